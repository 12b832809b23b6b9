// The ABI is the weaver's: a module calling a check itself could pass ids of its choosing.
[assembly: ExpectRefusal("WVR0007", "Boundary.Module::Sneak", "GuardRuntime.Guard::StoreStatic")]
namespace Boundary;
public static class Module
{
    public static int X;
    public static void Sneak() { GuardRuntime.Guard.StoreStatic(0, 0, null!); X = 1; }
}
