using GuardRuntime;
namespace Kernel;

/// <summary>
/// Protected kernel arrays. <see cref="SyscallTable"/> holds the "addresses" of the system call handlers; a rootkit
/// that overwrites one entry hijacks that call for every process.
/// </summary>
public static class KernelTables
{
    /// <summary>How many system calls the table holds.</summary>
    public const int SyscallCount = 64;

    /// <summary>Base of the simulated kernel text segment the handler addresses point into.</summary>
    public const long KernelTextBase = unchecked((long)0xFFFF_FFFF_8100_0000);

    /// <summary>The system call table: entry <c>n</c> is the handler address of system call <c>n</c>.</summary>
    public static readonly long[] SyscallTable = CreateSyscallTable();

    /// <summary>Names of the well-known system calls (index = number), for reports.</summary>
    public static readonly string[] SyscallNames = CreateNames();

    /// <summary>The handler address system call <paramref name="number"/> had at boot.</summary>
    [ModuleExport]
    public static long BootAddress(int number) => KernelTextBase + 0x1000L * number + 0x40;

    /// <summary>Whether every entry still holds its boot address.</summary>
    [ModuleExport]
    public static bool IsIntact()
    {
        for (int i = 0; i < SyscallTable.Length; i++)
            if (SyscallTable[i] != BootAddress(i)) return false;
        return true;
    }

    /// <summary>Restores every entry (tests call this between runs).</summary>
    public static void Restore()
    {
        for (int i = 0; i < SyscallTable.Length; i++) SyscallTable[i] = BootAddress(i);
    }

    private static long[] CreateSyscallTable()
    {
        var table = new long[SyscallCount];
        for (int i = 0; i < table.Length; i++) table[i] = BootAddress(i);
        return table;
    }

    private static string[] CreateNames()
    {
        var names = new string[SyscallCount];
        for (int i = 0; i < names.Length; i++) names[i] = "sys_ni_syscall";
        names[0] = "sys_read"; names[1] = "sys_write"; names[2] = "sys_open"; names[3] = "sys_close";
        names[39] = "sys_getpid"; names[41] = "sys_socket"; names[59] = "sys_execve"; names[60] = "sys_exit";
        names[62] = "sys_kill"; names[57] = "sys_fork"; names[42] = "sys_connect"; names[44] = "sys_sendto";
        return names;
    }
}
