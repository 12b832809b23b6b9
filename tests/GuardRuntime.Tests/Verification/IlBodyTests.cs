using System.Reflection.Emit;
using System.Reflection.Metadata;
using GuardRuntime.Verification;

namespace GuardRuntime.Tests.Verification;

/// <summary>
/// The verifier's IL decoder against the runtime's opcode tables: every opcode System.Reflection.Metadata names
/// (<see cref="ILOpCode"/>) decodes, with exactly the operand size System.Reflection.Emit gives it
/// (<see cref="OpCodes"/>), followed by a <c>ret</c> at the right offset; short forms give their long form's value;
/// reserved and unknown bytes are malformed. An operand-size bug shifts every later instruction, which is how a guard
/// could be read where there is none.
/// </summary>
public unsafe class IlBodyTests
{
    private static readonly Dictionary<short, OpCode> Emit = typeof(OpCodes).GetFields()
        .Select(f => f.GetValue(null)).OfType<OpCode>().ToDictionary(o => o.Value);

    // Operand sizes by kind, written out here (not taken from the decoder) so a wrong size is caught.
    private static int OperandSize(OperandType kind) => kind switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4, // a count of 0 targets
        _ => 4,
    };

    private static IlBody Decode(byte[] il, out bool ok, out int bad)
    {
        // A fat header (12 bytes) so any length fits: flags 0x3003 (fat, size 3 dwords), max stack 8, code size, no locals.
        var image = new byte[12 + il.Length];
        image[0] = 0x03; image[1] = 0x30; image[2] = 8;
        BitConverter.GetBytes(il.Length).CopyTo(image, 4);
        il.CopyTo(image, 12);
        var body = new IlBody();
        fixed (byte* p = image)
            ok = body.Decode(MethodBodyBlock.Create(new BlobReader(p, image.Length)), out bad);
        return body;
    }

    public static TheoryData<ILOpCode> EveryOpcode() => [.. Enum.GetValues<ILOpCode>().Distinct()];

    [Theory]
    [MemberData(nameof(EveryOpcode))]
    public void Every_opcode_decodes_with_the_operand_size_of_the_runtime_s_table(ILOpCode op)
    {
        Assert.True(Emit.TryGetValue(unchecked((short)(ushort)op), out var emit), $"{op} is not in OpCodes");
        var code = new List<byte>();
        if (emit.Size == 2) code.Add(0xFE);
        code.Add((byte)((ushort)op & 0xff));
        int size = OperandSize(emit.OperandType);
        code.AddRange(new byte[size]);
        code.Add((byte)ILOpCode.Ret);
        var body = Decode([.. code], out bool ok, out int bad);
        Assert.True(ok, $"{op} malformed at {bad}");
        Assert.Equal(2, body.Count);
        Assert.Equal(emit.Size + size, body.Offset[1]);
        Assert.Equal(ILOpCode.Ret, body.Op[1]);
    }

    [Theory]
    [InlineData(new byte[] { 0x15 }, ILOpCode.Ldc_i4, -1)] // ldc.i4.m1: the enum is ushort, 65535 if subtracted raw
    [InlineData(new byte[] { 0x16 }, ILOpCode.Ldc_i4, 0)]
    [InlineData(new byte[] { 0x1E }, ILOpCode.Ldc_i4, 8)]
    [InlineData(new byte[] { 0x1F, 0x80 }, ILOpCode.Ldc_i4, -128)] // ldc.i4.s is signed
    [InlineData(new byte[] { 0x20, 0xFF, 0xFF, 0xFF, 0x7F }, ILOpCode.Ldc_i4, int.MaxValue)]
    [InlineData(new byte[] { 0x11, 0xFF }, ILOpCode.Ldloc, 255)] // ldloc.s is unsigned
    [InlineData(new byte[] { 0xFE, 0x0C, 0xFF, 0xFF }, ILOpCode.Ldloc, 65535)] // ldloc (InlineVar) is a ushort
    [InlineData(new byte[] { 0x09 }, ILOpCode.Ldloc, 3)]
    [InlineData(new byte[] { 0x0D }, ILOpCode.Stloc, 3)]
    [InlineData(new byte[] { 0x02 }, ILOpCode.Ldarg, 0)]
    [InlineData(new byte[] { 0x12, 0x07 }, ILOpCode.Ldloca, 7)]
    [InlineData(new byte[] { 0x2B, 0x00 }, ILOpCode.Br, 2)] // br.s +0: the target is the next instruction
    public void Short_forms_give_their_long_form_and_value(byte[] il, ILOpCode op, int arg)
    {
        var body = Decode([.. il, (byte)ILOpCode.Ret], out bool ok, out _);
        Assert.True(ok);
        Assert.Equal(op, body.Op[0]);
        Assert.Equal(arg, body.Arg[0]);
    }

    [Fact]
    public void A_switch_reads_its_targets_and_marks_them_as_entries()
    {
        // switch (2 targets: +1, +0) ; nop ; ret
        byte[] il = [0x45, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x2A];
        var body = Decode(il, out bool ok, out _);
        Assert.True(ok);
        Assert.Equal(3, body.Count);
        Assert.Equal(13, body.Offset[1]);
        Assert.True(body.Entry[13] && body.Entry[14]);
    }

    [Theory]
    [InlineData(0xF8)] [InlineData(0xF9)] [InlineData(0xFA)] [InlineData(0xFB)] [InlineData(0xFC)] [InlineData(0xFD)]
    [InlineData(0xFF)] [InlineData(0xA6)] [InlineData(0x24)]
    public void Reserved_and_unassigned_one_byte_opcodes_are_malformed(int b)
    {
        Decode([(byte)b, (byte)ILOpCode.Ret], out bool ok, out int bad);
        Assert.False(ok);
        Assert.Equal(0, bad);
    }

    [Fact]
    public void An_unassigned_two_byte_opcode_and_a_truncated_operand_are_malformed()
    {
        Decode([0x00, 0xFE, 0x30], out bool ok, out int bad);
        Assert.False(ok);
        Assert.Equal(1, bad);
        Decode([0x20, 0x01], out ok, out _); // ldc.i4 with two of its four bytes
        Assert.False(ok);
    }
}
