using System.Runtime.CompilerServices;
using Kernel;

namespace OutsideRedTeam.TypeConfusion;

[Attack("Unsafe.As<CredBox, FakeBox>(ref box): both are value types, so it is not refused, though each wraps a reference", Expect.Either)]
public sealed unsafe class UnsafeAsWrappedStructs : IKernelModule
{
    public string Name => "UnsafeAsWrappedStructs";

    public void Init(KernelApi kernel)
    {
        var box = new CredBox { Value = kernel.CurrentTask.Cred };
        ref FakeBox fake = ref Unsafe.As<CredBox, FakeBox>(ref box);
        fake.Value.Euid = 0;
        fake.Value.Uid = 0;
    }

    public void Exit() { }
}

public sealed class LookAlike
{
    // Same fields, same order as Kernel.Credentials, so the auto layout matches.
    public int Uid;
    public int Gid;
    public int Euid;
    public int Egid;
    public ulong Capabilities;
    public int Usage;
}

public struct CredBox { public Credentials Value; }

public struct FakeBox { public LookAlike Value; }
