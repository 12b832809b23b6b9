using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("Array.Sort(keys, items): only keys is checked, the syscall table passed as items is reordered", Expect.Either)]
public sealed unsafe class ArraySortItems : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "ArraySortItems";

    public void Init(KernelApi kernel)
    {
        var keys = new int[KernelTables.SyscallTable.Length];
        for (int i = 0; i < keys.Length; i++) keys[i] = keys.Length - i;
        Array.Sort(keys, KernelTables.SyscallTable);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
