using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("an IBufferWriter<byte> whose GetSpan() is a span over the DMA window of blk0: Encoding.GetBytes(text, writer) writes there", Expect.Either)]
public sealed unsafe class BufferWriterDeputy : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "BufferWriterDeputy";

    public void Init(KernelApi kernel)
    {
        var blk = Blk0(kernel);
        System.Text.EncodingExtensions.GetBytes(System.Text.Encoding.UTF8, "pwned-by-buffer-writer".AsSpan(), new PointerWriter((byte*)blk.Address, 256));
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}

internal sealed unsafe class PointerWriter(byte* pointer, int length) : System.Buffers.IBufferWriter<byte>
{
    public void Advance(int count) { }
    public Memory<byte> GetMemory(int sizeHint = 0) => new byte[length];
    public Span<byte> GetSpan(int sizeHint = 0) => new(pointer, length);
}