using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("long.TryFormat into a char span over the syscall table (a Span argument to the framework)", Expect.Stopped)]
public sealed unsafe class TryFormatIntoProtectedSpan : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "TryFormatIntoProtectedSpan";

    public void Init(KernelApi kernel)
    {
        Span<char> chars = MemoryMarshal.Cast<long, char>(KernelTables.SyscallTable.AsSpan(56));
        Hook.TryFormat(chars, out _);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
