using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("Encoding.GetBytes(char*, int, byte*, int) into the DMA window of blk0 (the pointer overload is not in the table)", Expect.Either)]
public sealed unsafe class EncodingPointerGetBytes : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "EncodingPointerGetBytes";

    public void Init(KernelApi kernel)
    {
        var blk = Blk0(kernel);
        fixed (char* text = "pwned-by-encoding")
            System.Text.Encoding.ASCII.GetBytes(text, 17, (byte*)blk.Address, blk.Length);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
