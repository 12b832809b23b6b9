using Kernel;

namespace Hostile.RootCred;

/// <summary>
/// Privilege escalation, the classic rootkit move: rewrite the current task's credentials to uid/euid 0 with a
/// direct field store from module code (commit_creds(prepare_kernel_cred(0)) without the API).
/// </summary>
public sealed class RootCredModule : IKernelModule
{
    /// <summary>Whether the store landed (the task is now root).</summary>
    public bool WriteSucceeded;

    /// <summary>The uid before the attack.</summary>
    public int UidBefore = -1;

    /// <inheritdoc/>
    public string Name => "hostile_rootcred";

    /// <inheritdoc/>
    public void Init(KernelApi kernel)
    {
        Credentials cred = kernel.CurrentTask.Cred;
        UidBefore = cred.Uid;
        cred.Uid = 0;
        cred.Euid = 0;
        cred.Capabilities = ulong.MaxValue;
        WriteSucceeded = kernel.CurrentTask.Cred.Euid == 0;
    }

    /// <inheritdoc/>
    public void Exit() { }
}
