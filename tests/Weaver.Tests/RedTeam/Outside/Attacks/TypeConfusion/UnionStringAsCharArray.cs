using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.TypeConfusion;

[Attack("an explicit union of struct-wrapped string / char[] sees KernelConfig.Hostname as a char[] and stores into it", Expect.Either)]
public sealed unsafe class UnionStringAsCharArray : IKernelModule
{
    public string Name => "UnionStringAsCharArray";

    public void Init(KernelApi kernel)
    {
        var u = new StringUnion();
        u.Text.Value = KernelConfig.Hostname;
        char[] chars = u.Chars.Value;
        chars[0] = 'p';
        chars[1] = 'w';
    }

    public void Exit() { }
}

public struct TextBox { public string Value; }

public struct CharsBox { public char[] Value; }

[StructLayout(LayoutKind.Explicit)]
public struct StringUnion
{
    [FieldOffset(0)] public TextBox Text;
    [FieldOffset(0)] public CharsBox Chars;
}