// The cache's on/off switch belongs to the host.
[assembly: ExpectRefusal("WVR0007", "Boundary.Module::Off", "KcrRuntime.Kcr::set_Enabled")]
namespace Boundary;
public static class Module
{
    public static void Off() => KcrRuntime.Kcr.Enabled = false;
}
