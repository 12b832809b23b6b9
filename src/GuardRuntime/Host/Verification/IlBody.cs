using System.Reflection.Emit;
using System.Reflection.Metadata;

namespace GuardRuntime.Verification;

/// <summary>
/// One method body decoded once into flat arrays (opcode, offset, operand per instruction) that the rules index
/// backwards from a guarded instruction. Short forms are normalised to their long form (<c>ldloc.0</c> is
/// <c>ldloc 0</c>, <c>ldc.i4.s 5</c> is <c>ldc.i4 5</c>, <c>br.s</c> is <c>br</c>), so a rule names one opcode.
/// The arrays are reused from method to method: decoding allocates nothing per instruction.
/// </summary>
internal sealed class IlBody
{
    public ILOpCode[] Op = new ILOpCode[256];
    public int[] Offset = new int[256];
    public int[] Arg = new int[256];
    // Offsets that a branch, switch arm or exception-handler boundary names: a guard must not contain one.
    public bool[] Entry = new bool[1024];
    public int Count;
    public int CodeSize;

    private static readonly OperandType[] OneByte = new OperandType[256];
    private static readonly OperandType[] TwoByte = new OperandType[256];

    static IlBody()
    {
        Array.Fill(OneByte, (OperandType)(-1));
        Array.Fill(TwoByte, (OperandType)(-1));
        // The runtime's own opcode table gives every operand's size: nothing to transcribe by hand.
        foreach (var f in typeof(OpCodes).GetFields())
            if (f.GetValue(null) is OpCode op)
                (op.Size == 1 ? OneByte : TwoByte)[op.Value & 0xff] = op.OperandType;
        // OpCodes lists the reserved prefix bytes 0xF8-0xFF as one-byte instructions; in a body they are malformed.
        for (int b = 0xF8; b <= 0xFF; b++) OneByte[b] = (OperandType)(-1);
    }

    /// <summary>Decodes <paramref name="body"/>; returns false (with the offset) when the IL is malformed.</summary>
    public bool Decode(MethodBodyBlock body, out int badOffset)
    {
        var il = body.GetILReader();
        CodeSize = il.Length;
        Count = 0;
        if (Entry.Length < CodeSize + 1) Entry = new bool[Math.Max(CodeSize + 1, Entry.Length * 2)];
        else Array.Clear(Entry, 0, CodeSize + 1);
        badOffset = 0;
        try
        {
            while (il.RemainingBytes > 0)
            {
                int at = il.Offset;
                badOffset = at;
                int b = il.ReadByte();
                OperandType kind = b == 0xFE ? TwoByte[b = il.ReadByte()] : OneByte[b];
                var op = (ILOpCode)(b | (il.Offset - at == 2 ? 0xFE00 : 0));
                if ((int)kind < 0) return false;
                int arg = kind switch
                {
                    OperandType.InlineNone => 0,
                    OperandType.ShortInlineBrTarget => il.ReadSByte() + il.Offset,
                    OperandType.InlineBrTarget => il.ReadInt32() + il.Offset,
                    OperandType.ShortInlineI => op == ILOpCode.Ldc_i4_s ? il.ReadSByte() : il.ReadByte(),
                    OperandType.ShortInlineVar => il.ReadByte(),
                    OperandType.InlineVar => il.ReadUInt16(),
                    OperandType.InlineI8 => (int)il.ReadInt64(),
                    OperandType.InlineR => (int)il.ReadDouble(),
                    OperandType.ShortInlineR => (int)il.ReadSingle(),
                    OperandType.InlineSwitch => ReadSwitch(ref il),
                    _ => il.ReadInt32(), // tokens, InlineI
                };
                if (kind is OperandType.ShortInlineBrTarget or OperandType.InlineBrTarget) MarkEntry(arg);
                Add(Normalise(op, ref arg), at, arg);
            }
        }
        catch (BadImageFormatException) { return false; }
        foreach (var region in body.ExceptionRegions)
        {
            MarkEntry(region.TryOffset);
            MarkEntry(region.TryOffset + region.TryLength);
            MarkEntry(region.HandlerOffset);
            MarkEntry(region.HandlerOffset + region.HandlerLength);
            if (region.Kind == ExceptionRegionKind.Filter) MarkEntry(region.FilterOffset);
        }
        return true;
    }

    /// <summary>Whether an offset inside the body is named by a branch or a handler boundary.</summary>
    public bool IsEntry(int index) => Entry[Offset[index]];

    /// <summary>The first instruction index after <paramref name="first"/>, up to <paramref name="last"/>, that is an entry, or -1.</summary>
    public int EntryBetween(int first, int last)
    {
        for (int i = first + 1; i <= last; i++)
            if (Entry[Offset[i]]) return i;
        return -1;
    }

    private int ReadSwitch(ref BlobReader il)
    {
        int n = il.ReadInt32();
        if (n < 0 || n > il.RemainingBytes / 4) throw new BadImageFormatException();
        int end = il.Offset + 4 * n;
        for (int i = 0; i < n; i++) MarkEntry(end + il.ReadInt32());
        return n;
    }

    // A branch outside the body is malformed IL the runtime refuses; it cannot land in a guard, so it is ignored.
    private void MarkEntry(int offset)
    {
        if ((uint)offset <= (uint)CodeSize) Entry[offset] = true;
    }

    private void Add(ILOpCode op, int offset, int arg)
    {
        if (Count == Op.Length)
        {
            Array.Resize(ref Op, Count * 2);
            Array.Resize(ref Offset, Count * 2);
            Array.Resize(ref Arg, Count * 2);
        }
        Op[Count] = op;
        Offset[Count] = offset;
        Arg[Count++] = arg;
    }

    private static ILOpCode Normalise(ILOpCode op, ref int arg)
    {
        switch (op)
        {
            // ILOpCode is a ushort enum: subtracting two of them is a ushort (ldc.i4.m1 would be 65535), so cast first.
            case >= ILOpCode.Ldc_i4_m1 and <= ILOpCode.Ldc_i4_8: arg = (int)op - (int)ILOpCode.Ldc_i4_0; return ILOpCode.Ldc_i4;
            case ILOpCode.Ldc_i4_s: return ILOpCode.Ldc_i4;
            case >= ILOpCode.Ldloc_0 and <= ILOpCode.Ldloc_3: arg = (int)op - (int)ILOpCode.Ldloc_0; return ILOpCode.Ldloc;
            case >= ILOpCode.Stloc_0 and <= ILOpCode.Stloc_3: arg = (int)op - (int)ILOpCode.Stloc_0; return ILOpCode.Stloc;
            case >= ILOpCode.Ldarg_0 and <= ILOpCode.Ldarg_3: arg = (int)op - (int)ILOpCode.Ldarg_0; return ILOpCode.Ldarg;
            case ILOpCode.Ldloc_s: return ILOpCode.Ldloc;
            case ILOpCode.Stloc_s: return ILOpCode.Stloc;
            case ILOpCode.Ldloca_s: return ILOpCode.Ldloca;
            case ILOpCode.Ldarg_s: return ILOpCode.Ldarg;
            case ILOpCode.Ldarga_s: return ILOpCode.Ldarga;
            case ILOpCode.Starg_s: return ILOpCode.Starg;
            case >= ILOpCode.Br_s and <= ILOpCode.Blt_un_s: return op + (ILOpCode.Br - ILOpCode.Br_s);
            case ILOpCode.Leave_s: return ILOpCode.Leave;
            default: return op;
        }
    }
}
