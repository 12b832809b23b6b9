using System.Runtime.InteropServices;

namespace KcrRuntime;

// The key of a memoized call: its scalar arguments side by side, packed (Pack = 1) so that the key has no padding
// and its bytes are exactly its arguments' bytes. Tables hash and compare keys by those bytes (KeyBits), never with
// Equals: 0.0 and -0.0, NaNs with different payloads, and 1.0m and 1.00m are different keys, because the original
// may tell them apart. More than four scalars nest: the fourth argument is itself a MemoKey.

/// <summary>The key of a call with one scalar argument (see <see cref="MemoTable{TKey, TResult}"/>).</summary>
/// <typeparam name="T1">The argument's type (an enum is keyed by its underlying type).</typeparam>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly struct MemoKey<T1>
    where T1 : unmanaged
{
    internal readonly T1 A;

    /// <summary>Creates the key.</summary>
    /// <param name="a">The argument.</param>
    public MemoKey(T1 a) => A = a;
}

/// <summary>The key of a call with two scalar arguments.</summary>
/// <typeparam name="T1">First argument.</typeparam>
/// <typeparam name="T2">Second argument.</typeparam>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly struct MemoKey<T1, T2>
    where T1 : unmanaged
    where T2 : unmanaged
{
    internal readonly T1 A;
    internal readonly T2 B;

    /// <summary>Creates the key.</summary>
    /// <param name="a">First argument.</param>
    /// <param name="b">Second argument.</param>
    public MemoKey(T1 a, T2 b)
    {
        A = a;
        B = b;
    }
}

/// <summary>The key of a call with three scalar arguments.</summary>
/// <typeparam name="T1">First argument.</typeparam>
/// <typeparam name="T2">Second argument.</typeparam>
/// <typeparam name="T3">Third argument.</typeparam>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly struct MemoKey<T1, T2, T3>
    where T1 : unmanaged
    where T2 : unmanaged
    where T3 : unmanaged
{
    internal readonly T1 A;
    internal readonly T2 B;
    internal readonly T3 C;

    /// <summary>Creates the key.</summary>
    /// <param name="a">First argument.</param>
    /// <param name="b">Second argument.</param>
    /// <param name="c">Third argument.</param>
    public MemoKey(T1 a, T2 b, T3 c)
    {
        A = a;
        B = b;
        C = c;
    }
}

/// <summary>The key of a call with four scalar arguments, or more when <typeparamref name="T4"/> is a key itself.</summary>
/// <typeparam name="T1">First argument.</typeparam>
/// <typeparam name="T2">Second argument.</typeparam>
/// <typeparam name="T3">Third argument.</typeparam>
/// <typeparam name="T4">Fourth argument, or a <c>MemoKey</c> of the rest.</typeparam>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly struct MemoKey<T1, T2, T3, T4>
    where T1 : unmanaged
    where T2 : unmanaged
    where T3 : unmanaged
    where T4 : unmanaged
{
    internal readonly T1 A;
    internal readonly T2 B;
    internal readonly T3 C;
    internal readonly T4 D;

    /// <summary>Creates the key.</summary>
    /// <param name="a">First argument.</param>
    /// <param name="b">Second argument.</param>
    /// <param name="c">Third argument.</param>
    /// <param name="d">Fourth argument or nested key.</param>
    public MemoKey(T1 a, T2 b, T3 c, T4 d)
    {
        A = a;
        B = b;
        C = c;
        D = d;
    }
}
