// A module unprotects every registered object and range.
[assembly: ExpectRefusal("WVR0007", "Boundary.Module::Init", "GuardRuntime.Regions::Clear")]
namespace Boundary;
public static class Module
{
    public static void Init() => GuardRuntime.Regions.Clear();
}
