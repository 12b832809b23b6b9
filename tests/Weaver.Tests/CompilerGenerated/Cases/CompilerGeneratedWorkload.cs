// Code the C# compiler generates for ordinary source: collection expressions (inline-array spans and the
// <PrivateImplementationDetails> helpers), [InlineArray] structs, fixed buffers, async and iterator state machines,
// closures and local functions, ref locals and params spans. Run woven with default options and unwoven, its output
// must be identical; the stores it makes through such spans into a protected object are still checked.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Tasks;

namespace CompilerGeneratedCases;

[InlineArray(4)]
public struct Buffer4
{
    private int element;
}

[InlineArray(3)]
public struct Names3
{
    private string element;
}

public unsafe struct Fixed8
{
    public fixed byte Bytes[8];
}

public sealed class Holder
{
    public int[] Values = new int[6];
    public Buffer4 Inline;
    public Names3 Names;
    public Fixed8 Raw;
}

public static class Workload
{
    public static string Run()
    {
        var log = new StringBuilder();
        // Collection expressions: spans of values and of references, lists, arrays, spreads.
        ReadOnlySpan<int> small = [1, 2, 3];
        ReadOnlySpan<string> words = ["a", "b", Word()];
        Span<object> objects = [1, "two", 3.0];
        List<int> list = [4, 5, .. Enumerable.Range(6, 3)];
        int[] array = [.. list, 9];
        IEnumerable<string> lazy = ["x", "y"];
        log.Append("collections=").Append(Sum(small)).Append(',').Append(string.Concat(words.ToArray())).Append(',')
            .Append(objects.Length).Append(objects[1]).Append(',').Append(string.Join("", list)).Append(',').Append(array.Length)
            .Append(',').Append(string.Join("", lazy)).Append(';');
        log.Append("params=").Append(Count(1, 2, 3, 4)).Append(Join("p", "q")).Append(';');
        // Inline arrays: element refs, spans, foreach; one of references.
        var buffer = new Buffer4();
        for (int i = 0; i < 4; i++) buffer[i] = i * 10;
        buffer[2] += 5;
        Span<int> view = buffer;
        view[3] = 99;
        var names = new Names3();
        names[0] = "n0";
        names[2] = Word();
        int total = 0;
        foreach (var x in buffer) total += x;
        log.Append("inline=").Append(total).Append(',').Append(names[0]).Append(names[1] is null).Append(names[2]).Append(';');
        var holder = new Holder();
        holder.Inline[1] = 7;
        holder.Names[1] = "held";
        Fill(holder, 3);
        log.Append("holder=").Append(holder.Inline[1]).Append(holder.Names[1]).Append(string.Join("", holder.Values)).Append(';');
        // Fixed buffers.
        unsafe
        {
            holder.Raw.Bytes[3] = 42;
            fixed (byte* p = holder.Raw.Bytes) p[4] = 43;
            log.Append("fixed=").Append(holder.Raw.Bytes[3]).Append(holder.Raw.Bytes[4]).Append(';');
        }
        // Closures, local functions, lambdas over captured state.
        int counter = 0;
        Action bump = () => counter++;
        bump();
        bump();
        int Local(int k) => counter * k;
        Func<int, int> b = a => a + Local(2);
        Func<int, int> curried = a => b(a);
        var squares = list.Select(v => v * v).Where(v => v % 2 == 0).ToList();
        log.Append("closures=").Append(counter).Append(',').Append(curried(1)).Append(',').Append(string.Join(",", squares)).Append(';');
        // Iterators and async state machines.
        log.Append("iterator=").Append(string.Join(",", Evens(5))).Append(',').Append(string.Join(",", Pairs().Take(2))).Append(';');
        log.Append("async=").Append(AddLater(2, 3).GetAwaiter().GetResult()).Append(',').Append(Chain().GetAwaiter().GetResult())
            .Append(',').Append(Values().Result).Append(';');
        // ref locals, ref returns, ref conditionals.
        ref int slot = ref holder.Values[2];
        slot = 11;
        ref int pick = ref (counter > 1 ? ref holder.Values[0] : ref holder.Values[1]);
        pick = 12;
        log.Append("refs=").Append(string.Join(",", holder.Values)).Append(';');
        object boxedWord = Word();
        long wide = 5;
        log.Append("cast=").Append(Unsafe.As<string>(boxedWord)).Append(Unsafe.As<long, int>(ref wide)).Append(';');
        log.Append("patterns=").Append(array is [4, .., 9]).Append(',').Append(Describe((1, "x"))).Append(';');
        return log.ToString();
    }

    private static string Word() => "c";

    /// <summary>Unsafe.As of an object to a type it is not: a checked cast when woven.</summary>
    public static string WrongCast()
    {
        object o = new Holder();
        try { return Unsafe.As<string>(o).Length.ToString(); }
        catch (InvalidCastException) { return "InvalidCastException"; }
    }

    private static int Sum(ReadOnlySpan<int> values)
    {
        int s = 0;
        foreach (var v in values) s += v;
        return s;
    }

    private static int Count(params ReadOnlySpan<int> values) => values.Length;

    private static string Join(params ReadOnlySpan<string> values) => string.Join("", values.ToArray());

    /// <summary>Writes <paramref name="holder"/>'s array through a span a collection expression builds.</summary>
    public static void Fill(Holder holder, int value)
    {
        Span<int> values = holder.Values;
        foreach (ref int v in values) v = value;
    }

    /// <summary>Writes a protected array through an inline-array element ref and a collection-expression span.</summary>
    public static void WriteThroughSpans(int[] target)
    {
        Span<int> seed = [7, 7, 7];
        seed.CopyTo(target.AsSpan(2));
    }

    /// <summary>Writes a protected holder's inline array in place (an element ref into the object).</summary>
    public static void WriteInline(Holder holder) => holder.Inline[1] = -1;

    private static IEnumerable<int> Evens(int n)
    {
        for (int i = 0; i < n; i++)
            if (i % 2 == 0) yield return i;
    }

    private static IEnumerable<(int, string)> Pairs()
    {
        int i = 0;
        while (true) yield return (i++, "p" + i);
    }

    private static async Task<int> AddLater(int a, int b)
    {
        await Task.Yield();
        return a + b;
    }

    private static async ValueTask<string> Chain()
    {
        var x = await AddLater(1, 1);
        await Task.Delay(1);
        return "chain" + x;
    }

    private static async Task<int> Values()
    {
        int acc = 0;
        foreach (var t in new[] { AddLater(1, 2), AddLater(3, 4) }) acc += await t;
        return acc;
    }

    private static string Describe((int, string) pair) => pair switch
    {
        (1, var s) => "one" + s,
        _ => "other",
    };
}
