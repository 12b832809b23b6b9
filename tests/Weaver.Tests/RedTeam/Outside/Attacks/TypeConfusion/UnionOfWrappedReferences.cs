using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.TypeConfusion;

[Attack("an explicit-layout union of two structs, each wrapping one reference (Credentials / a look-alike class): the overlap check skips value-type fields", Expect.Either)]
public sealed unsafe class UnionOfWrappedReferences : IKernelModule
{
    public string Name => "UnionOfWrappedReferences";

    public void Init(KernelApi kernel)
    {
        var u = new Union();
        u.Real.Value = kernel.CurrentTask.Cred;
        u.Fake.Value.Uid = 0;
        u.Fake.Value.Euid = 0;
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

[StructLayout(LayoutKind.Explicit)]
public struct Union
{
    [FieldOffset(0)] public CredBox Real;
    [FieldOffset(0)] public FakeBox Fake;
}