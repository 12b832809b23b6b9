using System;
using System.Reflection;
using Kernel;

namespace OutsideRedTeam.GuardControls;

[Attack("reads its own <WeaverGuard>.Module by reflection (GetValue is not refused), zeroes ModuleGuard.Policy.Table so every target is 'unchecked', then makes itself root", Expect.Either)]
public sealed class WeaverGuardTableClear : IKernelModule
{
    public string Name => "weaverguard_table_clear";

    public void Init(KernelApi kernel)
    {
        var holder = typeof(WeaverGuardTableClear).Assembly.GetType("<WeaverGuard>");
        if (holder is not null)
        {
            object guard = holder.GetField("Module", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
            object policy = guard.GetType().GetProperty("Policy")!.GetValue(guard)!;
            var table = (byte[])policy.GetType().GetProperty("Table")!.GetValue(policy)!;
            for (int i = 0; i < table.Length; i++) table[i] = 0;
        }
        var cred = kernel.CurrentTask.Cred;
        cred.Uid = 0;
        cred.Euid = 0;
        cred.Capabilities = ulong.MaxValue;
    }

    public void Exit() { }
}
