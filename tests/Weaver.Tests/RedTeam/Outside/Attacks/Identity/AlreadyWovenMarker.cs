using Kernel;

// The marker the weaver writes into every woven assembly, copied by hand: the weaver sees "already woven" and copies
// the module unchanged, so not one of its stores is guarded.
[assembly: System.Reflection.AssemblyMetadata("Weaver.Woven", "version=0.1.0;guards=fields,statics,arrays,indirect")]

namespace OutsideRedTeam.Identity;

[Attack("an unwoven module carrying the weaver's [AssemblyMetadata(\"Weaver.Woven\", ...)] marker, so weaving is a no-op; it makes the current task root", Expect.Refused)]
public sealed class AlreadyWovenMarker : IKernelModule
{
    public string Name => "already_woven_marker";

    public void Init(KernelApi kernel)
    {
        var cred = kernel.CurrentTask.Cred;
        cred.Uid = 0;
        cred.Euid = 0;
        cred.Capabilities = ulong.MaxValue;
    }

    public void Exit() { }
}
