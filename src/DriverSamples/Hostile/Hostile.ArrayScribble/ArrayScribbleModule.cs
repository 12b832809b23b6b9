using Kernel;

namespace Hostile.ArrayScribble;

/// <summary>Hijacks sys_execve by overwriting its entry in the system call table (an array element store).</summary>
public sealed class ArrayScribbleModule : IKernelModule
{
    /// <summary>The entry overwritten.</summary>
    public const int Target = 59;

    /// <summary>The address of the "rootkit handler".</summary>
    public const long HookAddress = 0x4141_4141_4141_4141;

    /// <summary>Whether the store landed.</summary>
    public bool WriteSucceeded;

    /// <inheritdoc/>
    public string Name => "hostile_arrayscribble";

    /// <inheritdoc/>
    public void Init(KernelApi kernel)
    {
        long[] table = KernelTables.SyscallTable;
        table[Target] = HookAddress;
        WriteSucceeded = KernelTables.SyscallTable[Target] == HookAddress;
    }

    /// <inheritdoc/>
    public void Exit() { }
}
