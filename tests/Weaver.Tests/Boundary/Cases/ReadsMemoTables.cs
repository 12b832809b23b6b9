// Every module's memo tables, from the KCR host.
[assembly: ExpectRefusal("WVR0007", "Boundary.Module::Tables", "KcrRuntime.Kcr::get_Tables")]
namespace Boundary;
public static class Module
{
    public static int Tables() => KcrRuntime.Kcr.Tables.Count;
}
