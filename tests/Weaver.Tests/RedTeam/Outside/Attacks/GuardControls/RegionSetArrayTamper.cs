using System.Runtime.InteropServices;
using System.Threading;
using GuardRuntime;
using Kernel;

namespace OutsideRedTeam.GuardControls;

[Attack("rewrites the array behind Regions.Current.Instances (ImmutableCollectionsMarshal.AsArray) so the syscall-table region points at a dummy, then hooks a syscall by address", Expect.Either)]
public sealed class RegionSetArrayTamper : IKernelModule
{
    public string Name => "regionset_array_tamper";

    public void Init(KernelApi kernel)
    {
        var array = ImmutableCollectionsMarshal.AsArray(Regions.Current.Instances)!;
        var dummy = new long[64];
        for (int i = 0; i < array.Length; i++)
            array[i] = new InstanceRegion(array[i].Name, dummy, 0, -1);
        Interlocked.Exchange(ref KernelTables.SyscallTable[59], 0x4141_4141);
    }

    public void Exit() { }
}
