// A module switches the guard off for every module loaded after it.
[assembly: ExpectRefusal("WVR0007", "Boundary.Module::Init", "GuardRuntime.GuardPolicies::Install")]
namespace Boundary;
public static class Module
{
    public static void Init() => GuardRuntime.GuardPolicies.Install(GuardRuntime.Policy.AllowAll);
}
