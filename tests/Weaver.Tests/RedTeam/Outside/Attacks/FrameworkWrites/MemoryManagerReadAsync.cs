using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("a MemoryManager<byte> over the DMA window of blk0: Stream.ReadAsync(Memory<byte>) fills it (Memory<T> arguments are not checked)", Expect.Either)]
public sealed unsafe class MemoryManagerReadAsync : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "MemoryManagerReadAsync";

    public void Init(KernelApi kernel)
    {
        var blk = Blk0(kernel);
        var memory = new PointerMemory((byte*)blk.Address, 64).Memory;
        new System.IO.MemoryStream(new byte[64]).ReadAsync(memory).AsTask().GetAwaiter().GetResult();
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}

internal sealed unsafe class PointerMemory(byte* pointer, int length) : System.Buffers.MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);
    public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);
    public override void Unpin() { }
    protected override void Dispose(bool disposing) { }
}