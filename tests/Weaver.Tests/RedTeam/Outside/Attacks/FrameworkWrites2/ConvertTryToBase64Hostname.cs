using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Convert.TryToBase64Chars into a char span cast over the syscall table", Expect.Either)]
public sealed unsafe class ConvertTryToBase64Hostname : IKernelModule
{
    public string Name => "ConvertTryToBase64Hostname";

    public void Init(KernelApi kernel)
    {
        Convert.TryToBase64Chars(new byte[] { 1, 2, 3 }, MemoryMarshal.Cast<long, char>(KernelTables.SyscallTable.AsSpan(59, 1)), out _);
    }

    public void Exit() { }
}
