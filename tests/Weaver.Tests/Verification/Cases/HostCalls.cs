// A module that calls the kernel host (Kernel.Host): exported members only, each through the host-call check.
// It also defines its own GuardRuntime.ModuleExportAttribute: a module cannot export host members by naming one.
using System;
using Kernel;

namespace GuardRuntime
{
    [AttributeUsage(AttributeTargets.All)]
    public sealed class ModuleExportAttribute : Attribute { }
}

namespace Tamper
{
    public static class HostUser
    {
        [GuardRuntime.ModuleExport]
        public static bool CanAdmin(Credentials credentials) => credentials.Has(Capability.SysAdmin);

        public static bool Root(Credentials credentials) => credentials.IsRoot;
    }
}
