using System.Text.RegularExpressions;

namespace Weaver.Tests.Infrastructure;

/// <summary>
/// One C# program that contains every store form the weaver must guard, each in a method of its own, so that a single
/// Roslyn compilation (and a single weave) serves every store-form test. A line whose store a test expects a violation
/// at ends with a <c>//@Name</c> marker; <see cref="Line"/> finds its line number.
/// </summary>
public static partial class StoreFormsSource
{
    /// <summary>The program text (one store per marked line, so that a violation's source line is unambiguous).</summary>
    public const string Text = """
        using System;
        using System.Collections.Generic;
        using System.Runtime.InteropServices;
        using System.Threading.Tasks;

        namespace SF
        {
            public class Obj { public int F; public int G; public string S; public object O; public long L; }

            public struct Pt
            {
                public int X;
                public int Y;
                public Pt(int x, int y)
                {
                    X = x; //@PtCtorX
                    Y = y; //@PtCtorY
                }
            }

            public static class Fields
            {
                public static Obj O = new Obj();
                public static int SetClass(int v)
                {
                    O.G = v + 1; //@ClassG
                    O.F = v; //@ClassF
                    return O.F * 1000 + O.G;
                }
            }

            public static class Structs
            {
                public static Pt Held;
                public static Pt Made;
                public static int ViaLocal(int v)
                {
                    Pt p = default;
                    p.Y = 3;
                    p.X = v; //@StructLocal
                    return p.X * 10 + p.Y;
                }
                public static void SetRef(ref Pt p, int v)
                {
                    p.X = v; //@StructRef
                }
                public static int ViaRef(int v) { SetRef(ref Held, v); return Held.X; }
                public static int Make(int x, int y)
                {
                    Made = new Pt(x, y); //@MakePt
                    return Made.X * 100 + Made.Y;
                }
            }

            public static class Statics
            {
                public static int Counter;
                public static int Bump(int by)
                {
                    Counter = Counter + by; //@Stsfld
                    return Counter;
                }
            }

            public enum Color { Red, Green, Blue }

            public static class Arrays
            {
                public static byte[] B = new byte[4];
                public static bool[] Z = new bool[4];
                public static short[] S = new short[4];
                public static char[] C = new char[4];
                public static int[] I = new int[4];
                public static Color[] E = new Color[4];
                public static long[] L = new long[4];
                public static float[] F = new float[4];
                public static double[] D = new double[4];
                public static nint[] N = new nint[4];
                public static string[] R = new string[4];
                public static Pt[] P = new Pt[4];

                public static int SetB(int i, int v) { B[i] = (byte)v; return B[i]; } //@StelemI1
                public static int SetZ(int i, bool v) { Z[i] = v; return Z[i] ? 1 : 0; } //@StelemI1Bool
                public static int SetS(int i, int v) { S[i] = (short)v; return S[i]; } //@StelemI2
                public static int SetC(int i, char v) { C[i] = v; return C[i]; } //@StelemI2Char
                public static int SetI(int i, int v) { I[i] = v; return I[i]; } //@StelemI4
                public static int SetE(int i, Color v) { E[i] = v; return (int)E[i]; } //@StelemI4Enum
                public static long SetL(int i, long v) { L[i] = v; return L[i]; } //@StelemI8
                public static float SetF(int i, float v) { F[i] = v; return F[i]; } //@StelemR4
                public static double SetD(int i, double v) { D[i] = v; return D[i]; } //@StelemR8
                public static nint SetN(int i, nint v) { N[i] = v; return N[i]; } //@StelemI
                public static string SetR(int i, string v) { R[i] = v; return R[i]; } //@StelemRef
                public static int SetP(int i, int x) { P[i] = new Pt(x, x + 1); return P[i].X + P[i].Y; } //@StelemAny
                public static void SetAt<T>(T[] a, int i, T v) { a[i] = v; } //@StelemT
                public static int[] GI = new int[4];
                public static string[] GS = new string[4];
                public static int SetGenInt(int i, int v) { SetAt(GI, i, v); return GI[i]; }
                public static string SetGenStr(int i, string v) { SetAt(GS, i, v); return GS[i]; }
                public static string SetGeneric(int i)
                {
                    var ints = new int[3];
                    var strs = new string[3];
                    SetAt(ints, i, 7);
                    SetAt(strs, i, "s");
                    return ints[i] + strs[i];
                }
            }

            public static unsafe class Pointers
            {
                public static void WriteI1(nint p, byte v) { *(byte*)p = v; } //@StindI1
                public static void WriteI2(nint p, short v) { *(short*)p = v; } //@StindI2
                public static void WriteI4(nint p, int v) { *(int*)p = v; } //@StindI4
                public static void WriteI8(nint p, long v) { *(long*)p = v; } //@StindI8
                public static void WriteR4(nint p, float v) { *(float*)p = v; } //@StindR4
                public static void WriteR8(nint p, double v) { *(double*)p = v; } //@StindR8
                public static void WriteI(nint p, nint v) { *(nint*)p = v; } //@StindI
                public static void WriteRef(ref object r, object v) { r = v; } //@StindRef
                public static object Slot0;
                public static object SetSlot(object v) { WriteRef(ref Slot0, v); return Slot0; }
                public static void SetViaRefParam(ref int r, int v) { r = v; } //@RefParam
                public static void NativeViaRefParam(nint p, int v) { SetViaRefParam(ref *(int*)p, v); }
                public static void ViaRefLocal(nint p, int i, int v)
                {
                    ref int r = ref ((int*)p)[i];
                    r = v; //@RefLocal
                }
                public static ref int At(nint p, int i) => ref ((int*)p)[i];
                public static void ViaRefReturn(nint p, int i, int v)
                {
                    At(p, i) = v; //@RefReturn
                }
                public static ref int Slot(int[] a, int i) => ref a[i];
                public static int ManagedRefs(int v)
                {
                    var a = new int[4];
                    Slot(a, 1) = v;
                    ref int r = ref a[2];
                    r = v + 1;
                    SetViaRefParam(ref a[3], v + 2);
                    SetViaRefParam(ref Fields.O.F, v + 3);
                    object o = null;
                    WriteRef(ref o, "boxed");
                    return (a[1] + a[2] + a[3] + Fields.O.F) * 10 + ((string)o == "boxed" ? 1 : 0);
                }
                public static void StoreStruct(nint p, Pt v)
                {
                    ref Pt r = ref *(Pt*)p;
                    r = v; //@Stobj
                }
                public static void ClearStruct(nint p)
                {
                    ref Pt r = ref *(Pt*)p;
                    r = default; //@Initobj
                }
                public static void ClearRef(ref Pt r)
                {
                    r = default; //@InitobjRef
                }
                public static int ClearHeld() { Structs.Held = new Pt(4, 5); ClearRef(ref Structs.Held); return Structs.Held.X + Structs.Held.Y; }
                public static void FixedWrite(int[] a, int i, int v)
                {
                    fixed (int* p = a)
                    {
                        p[i] = v; //@Fixed
                    }
                }
                public static int StackWrite(int v)
                {
                    int* p = stackalloc int[4];
                    p[2] = v; //@Stackalloc
                    return p[2] + p[0];
                }
                public static int NativeRoundTrip(int v)
                {
                    int* p = (int*)NativeMemory.AllocZeroed(16);
                    try
                    {
                        p[1] = v;
                        p[3] = v * 2;
                        return p[0] + p[1] + p[2] + p[3];
                    }
                    finally
                    {
                        NativeMemory.Free(p);
                    }
                }
                public static int StackCopy()
                {
                    byte* p = stackalloc byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }; //@Cpblk
                    int s = 0;
                    for (int i = 0; i < 12; i++) s = s * 31 + p[i];
                    return s;
                }
                public static int StackInit()
                {
                    byte* p = stackalloc byte[] { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 }; //@Initblk
                    int s = 0;
                    for (int i = 0; i < 12; i++) s = s * 31 + p[i];
                    return s;
                }
            }

            public class Vol
            {
                public volatile int Flag;
                public static volatile int StaticFlag;
                public static Vol V = new Vol();
                public static int Set(int v)
                {
                    V.Flag = v; //@Volatile
                    return V.Flag;
                }
                public static int SetStatic(int v)
                {
                    StaticFlag = v; //@VolatileStatic
                    return StaticFlag;
                }
            }

            public class Br { public int F; public string S; public string T; }

            public static class Branches
            {
                public static Br B = new Br();
                public static int Cond(bool c, int x, int y)
                {
                    B.F = c ? x : y; //@Cond
                    return B.F;
                }
                public static string Coalesce(string a, string b)
                {
                    B.S = a ?? b; //@Coalesce
                    return B.S;
                }
                public static string Switch(int n)
                {
                    B.T = n switch { 0 => "zero", 1 => "one", 2 => "two", _ => "many" }; //@Switch
                    return B.T;
                }
            }

            public static class Catches
            {
                public static Exception Last;
                public static int Divide(int a, int d)
                {
                    try
                    {
                        return a / d;
                    }
                    catch (Exception e)
                    {
                        Last = e; //@Catch
                    }
                    return -1;
                }
            }

            public class Box<T>
            {
                public T Value;
                public void Put(T v)
                {
                    Value = v; //@BoxPut
                }
            }

            public static class Generics
            {
                public static Box<int> IntBox = new Box<int>();
                public static Box<string> StrBox = new Box<string>();
                public static int SetInt(int v)
                {
                    IntBox.Value = v; //@BoxInt
                    return IntBox.Value;
                }
                public static void Set<T>(Box<T> b, T v)
                {
                    b.Value = v; //@BoxGeneric
                }
                public static int SetIntVia(int v) { Set(IntBox, v); return IntBox.Value; }
                public static string SetStrVia(string v) { Set(StrBox, v); return StrBox.Value; }
                public static string PutBoth(int i, string s) { IntBox.Put(i); StrBox.Put(s); return IntBox.Value + StrBox.Value; }
            }

            public static class WithCctor
            {
                public static int Seed;
                public static readonly int[] Table;
                static WithCctor()
                {
                    Seed = 42; //@Cctor
                    Table = new int[] { 1, 2, 3 };
                }
                public static int Get() => Seed + Table.Length;
            }

            public class Acc { public int A; public int B; }

            public static class Asyncs
            {
                public static Acc H = new Acc();
                public static async Task<int> Compute(int v)
                {
                    H.A = v;
                    await Task.Yield();
                    H.B = v * 2; //@AsyncB
                    await Task.Delay(1);
                    return H.A + H.B;
                }
                public static int RunCompute(int v) => Compute(v).GetAwaiter().GetResult();
            }

            public static class Iterators
            {
                public static IEnumerable<int> Squares(int n)
                {
                    for (int i = 1; i <= n; i++)
                        yield return i * i; //@Yield
                }
                public static int Sum(int n)
                {
                    int s = 0;
                    foreach (var x in Squares(n)) s += x;
                    return s;
                }
            }

            public static class Lambdas
            {
                public static Action MakeCounter(out Func<int> read)
                {
                    int count = 0;
                    read = () => count;
                    return () => count++; //@Lambda
                }
                public static int Count(int n)
                {
                    var inc = MakeCounter(out var read);
                    for (int i = 0; i < n; i++) inc();
                    return read();
                }
            }

            public class Cfg { public int A; public int B; public string N; }

            public static class Inits
            {
                public static Cfg Last;
                public static int Make(int a, int b)
                {
                    var c = new Cfg { A = a, B = b, N = "n" }; //@ObjInit
                    Last = c;
                    return c.A * 10 + c.B;
                }
            }

            public class BaseCls
            {
                public int Seen;
                public BaseCls(int s) { Seen = s; }
            }

            public class Derived : BaseCls
            {
                public int Early = 5; //@FieldInit
                public string Tag = "t";
                public Derived(int s) : base(s) { }
            }

            public static class Ctors
            {
                public static int Make(int s) { var d = new Derived(s); return d.Early * 100 + d.Seen + d.Tag.Length; }
            }

            public static class All
            {
                public static unsafe string Run()
                {
                    var parts = new List<string>();
                    parts.Add(Fields.SetClass(3).ToString());
                    parts.Add(Structs.ViaLocal(4).ToString());
                    parts.Add(Structs.ViaRef(5).ToString());
                    parts.Add(Structs.Make(6, 7).ToString());
                    parts.Add(Statics.Bump(2).ToString());
                    parts.Add(Arrays.SetB(1, 200).ToString());
                    parts.Add(Arrays.SetZ(1, true).ToString());
                    parts.Add(Arrays.SetS(1, -3).ToString());
                    parts.Add(Arrays.SetC(1, 'q').ToString());
                    parts.Add(Arrays.SetI(1, 77).ToString());
                    parts.Add(Arrays.SetE(1, Color.Blue).ToString());
                    parts.Add(Arrays.SetL(1, 1L << 40).ToString());
                    parts.Add(Arrays.SetF(1, 1.5f).ToString());
                    parts.Add(Arrays.SetD(1, 2.25).ToString());
                    parts.Add(Arrays.SetN(1, (nint)12345).ToString());
                    parts.Add(Arrays.SetR(1, "r"));
                    parts.Add(Arrays.SetP(1, 9).ToString());
                    parts.Add(Arrays.SetGeneric(2));
                    var mem = (nint)NativeMemory.AllocZeroed(64);
                    try
                    {
                        Pointers.WriteI1(mem, 1); Pointers.WriteI2(mem + 2, 2); Pointers.WriteI4(mem + 4, 3); Pointers.WriteI8(mem + 8, 4);
                        Pointers.WriteR4(mem + 16, 5); Pointers.WriteR8(mem + 24, 6); Pointers.WriteI(mem + 32, 7);
                        Pointers.NativeViaRefParam(mem + 40, 8); Pointers.ViaRefLocal(mem + 44, 0, 9); Pointers.ViaRefReturn(mem + 48, 0, 10);
                        Pointers.StoreStruct(mem + 52, new Pt(11, 12));
                        long sum = 0;
                        for (int i = 0; i < 60; i++) sum = sum * 7 + ((byte*)mem)[i];
                        parts.Add(sum.ToString());
                        Pointers.ClearStruct(mem + 52);
                        parts.Add((((int*)mem)[13] + ((int*)mem)[14]).ToString());
                    }
                    finally { NativeMemory.Free((void*)mem); }
                    parts.Add(Pointers.ManagedRefs(3).ToString());
                    parts.Add(Pointers.ClearHeld().ToString());
                    var fa = new int[4];
                    Pointers.FixedWrite(fa, 2, 13);
                    parts.Add(fa[2].ToString());
                    parts.Add(Pointers.StackWrite(14).ToString());
                    parts.Add(Pointers.NativeRoundTrip(15).ToString());
                    parts.Add(Pointers.StackCopy().ToString());
                    parts.Add(Pointers.StackInit().ToString());
                    parts.Add(Vol.Set(16).ToString());
                    parts.Add(Vol.SetStatic(17).ToString());
                    parts.Add(Branches.Cond(true, 1, 2).ToString() + Branches.Cond(false, 1, 2));
                    parts.Add(Branches.Coalesce(null, "b") + Branches.Coalesce("a", "b"));
                    parts.Add(Branches.Switch(0) + Branches.Switch(1) + Branches.Switch(2) + Branches.Switch(9));
                    parts.Add(Catches.Divide(10, 2).ToString() + Catches.Divide(1, 0) + Catches.Last?.GetType().Name);
                    parts.Add(Generics.SetInt(18).ToString() + Generics.SetIntVia(19) + Generics.SetStrVia("x") + Generics.PutBoth(20, "y"));
                    parts.Add(WithCctor.Get().ToString());
                    parts.Add(Asyncs.RunCompute(21).ToString());
                    parts.Add(Iterators.Sum(5).ToString());
                    parts.Add(Lambdas.Count(6).ToString());
                    parts.Add(Inits.Make(2, 3).ToString());
                    parts.Add(Ctors.Make(22).ToString());
                    return string.Join("|", parts);
                }
            }
        }
        """;

    /// <summary>The 1-based line of the store marked <c>//@<paramref name="marker"/></c>.</summary>
    public static int Line(string marker)
    {
        var lines = Text.Split('\n');
        var hits = Enumerable.Range(0, lines.Length).Where(i => MarkerPattern().Matches(lines[i]).Any(m => m.Groups[1].Value == marker)).ToList();
        Assert.True(hits.Count == 1, $"marker //@{marker} must occur exactly once in the store-forms source (found {hits.Count})");
        return hits[0] + 1;
    }

    [GeneratedRegex(@"//@(\w+)")]
    private static partial Regex MarkerPattern();
}
