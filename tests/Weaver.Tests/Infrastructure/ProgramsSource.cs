namespace Weaver.Tests.Infrastructure;

/// <summary>
/// Non-trivial programs for differential testing, compiled together into one assembly: each namespace has a
/// <c>Program.Run()</c> that returns a string summarising what it computed.
/// </summary>
public static class ProgramsSource
{
    public static readonly string[] Names = ["Sorting", "Calc", "Hashing", "States", "Asyncs", "Linq", "Iterators", "Strings", "Structs", "Collections", "Unsafe"];

    public const string Text = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Text;
        using System.Threading.Tasks;

        namespace Sorting
        {
            public struct Person { public string Name; public int Age; public override string ToString() => Name + ":" + Age; }
            public static class Program
            {
                static uint seed = 12345;
                static int Next(int max) { seed = seed * 1103515245 + 12345; return (int)((seed >> 8) % (uint)max); }
                static void Swap<T>(T[] a, int i, int j) { T t = a[i]; a[i] = a[j]; a[j] = t; }
                static void QuickSort(int[] a, int lo, int hi)
                {
                    while (lo < hi)
                    {
                        int p = a[(lo + hi) >> 1], i = lo, j = hi;
                        while (i <= j)
                        {
                            while (a[i] < p) i++;
                            while (a[j] > p) j--;
                            if (i <= j) Swap(a, i++, j--);
                        }
                        if (j - lo < hi - i) { QuickSort(a, lo, j); lo = i; } else { QuickSort(a, i, hi); hi = j; }
                    }
                }
                static void MergeSort(long[] a, long[] tmp, int lo, int hi)
                {
                    if (hi - lo < 2) return;
                    int mid = (lo + hi) / 2;
                    MergeSort(a, tmp, lo, mid); MergeSort(a, tmp, mid, hi);
                    int i = lo, j = mid, k = lo;
                    while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
                    while (i < mid) tmp[k++] = a[i++];
                    while (j < hi) tmp[k++] = a[j++];
                    Array.Copy(tmp, lo, a, lo, hi - lo);
                }
                static void HeapSort(double[] a)
                {
                    int n = a.Length;
                    for (int i = n / 2 - 1; i >= 0; i--) Sift(a, i, n);
                    for (int end = n - 1; end > 0; end--) { (a[0], a[end]) = (a[end], a[0]); Sift(a, 0, end); }
                }
                static void Sift(double[] a, int i, int n)
                {
                    while (true)
                    {
                        int l = 2 * i + 1, r = l + 1, m = i;
                        if (l < n && a[l] > a[m]) m = l;
                        if (r < n && a[r] > a[m]) m = r;
                        if (m == i) return;
                        Swap(a, i, m); i = m;
                    }
                }
                static void InsertionSort(Person[] a)
                {
                    for (int i = 1; i < a.Length; i++)
                    {
                        var x = a[i]; int j = i - 1;
                        while (j >= 0 && (a[j].Age > x.Age || (a[j].Age == x.Age && string.CompareOrdinal(a[j].Name, x.Name) > 0))) { a[j + 1] = a[j]; j--; }
                        a[j + 1] = x;
                    }
                }
                static void ShellSort(short[] a)
                {
                    for (int gap = a.Length / 2; gap > 0; gap /= 2)
                        for (int i = gap; i < a.Length; i++)
                            for (int j = i; j >= gap && a[j - gap] > a[j]; j -= gap) { short t = a[j]; a[j] = a[j - gap]; a[j - gap] = t; }
                }
                public static string Run()
                {
                    var ints = new int[500]; for (int i = 0; i < ints.Length; i++) ints[i] = Next(1000) - 500;
                    QuickSort(ints, 0, ints.Length - 1);
                    var longs = new long[300]; for (int i = 0; i < longs.Length; i++) longs[i] = (long)Next(1 << 20) << 20;
                    MergeSort(longs, new long[longs.Length], 0, longs.Length);
                    var doubles = new double[200]; for (int i = 0; i < doubles.Length; i++) doubles[i] = Next(10000) / 7.0;
                    HeapSort(doubles);
                    var people = new Person[40]; for (int i = 0; i < people.Length; i++) people[i] = new Person { Name = "p" + Next(100), Age = Next(60) };
                    InsertionSort(people);
                    var shorts = new short[100]; for (int i = 0; i < shorts.Length; i++) shorts[i] = (short)(Next(60000) - 30000);
                    ShellSort(shorts);
                    var strs = people.Select(p => p.Name).ToArray(); Array.Sort(strs, StringComparer.Ordinal);
                    bool sorted = ints.Zip(ints.Skip(1), (a, b) => a <= b).All(x => x) && longs.Zip(longs.Skip(1), (a, b) => a <= b).All(x => x)
                        && doubles.Zip(doubles.Skip(1), (a, b) => a <= b).All(x => x) && shorts.Zip(shorts.Skip(1), (a, b) => a <= b).All(x => x);
                    return $"{sorted} {ints.Sum()} {ints[0]} {ints[^1]} {longs[7]} {doubles[100]:F4} {string.Join(",", people.Take(5))} {shorts[50]} {string.Join(",", strs.Take(4))}";
                }
            }
        }

        namespace Calc
        {
            public abstract class Node { public abstract double Eval(Dictionary<string, double> env); }
            public sealed class Num : Node { public double V; public Num(double v) { V = v; } public override double Eval(Dictionary<string, double> env) => V; }
            public sealed class Var : Node { public string Name; public Var(string n) { Name = n; } public override double Eval(Dictionary<string, double> env) => env.TryGetValue(Name, out var v) ? v : throw new KeyNotFoundException(Name); }
            public sealed class Bin : Node
            {
                public char Op; public Node L, R;
                public Bin(char op, Node l, Node r) { Op = op; L = l; R = r; }
                public override double Eval(Dictionary<string, double> env)
                {
                    double a = L.Eval(env), b = R.Eval(env);
                    switch (Op) { case '+': return a + b; case '-': return a - b; case '*': return a * b; case '/': return a / b; case '^': return Math.Pow(a, b); default: throw new InvalidOperationException(); }
                }
            }
            public enum Kind { Num, Ident, Op, LParen, RParen, Assign, Semi, End }
            public struct Token { public Kind Kind; public string Text; public double Value; }
            public sealed class Lexer
            {
                readonly string s; int pos;
                public Lexer(string s) { this.s = s; }
                public List<Token> All()
                {
                    var list = new List<Token>();
                    while (true)
                    {
                        while (pos < s.Length && char.IsWhiteSpace(s[pos])) pos++;
                        if (pos >= s.Length) { list.Add(new Token { Kind = Kind.End }); return list; }
                        char c = s[pos];
                        if (char.IsDigit(c) || c == '.')
                        {
                            int start = pos; while (pos < s.Length && (char.IsDigit(s[pos]) || s[pos] == '.')) pos++;
                            list.Add(new Token { Kind = Kind.Num, Value = double.Parse(s.AsSpan(start, pos - start), provider: System.Globalization.CultureInfo.InvariantCulture) });
                        }
                        else if (char.IsLetter(c))
                        {
                            int start = pos; while (pos < s.Length && char.IsLetterOrDigit(s[pos])) pos++;
                            list.Add(new Token { Kind = Kind.Ident, Text = s.Substring(start, pos - start) });
                        }
                        else
                        {
                            pos++;
                            list.Add(new Token { Kind = c switch { '(' => Kind.LParen, ')' => Kind.RParen, '=' => Kind.Assign, ';' => Kind.Semi, _ => Kind.Op }, Text = c.ToString() });
                        }
                    }
                }
            }
            public sealed class Parser
            {
                readonly List<Token> t; int i;
                public Parser(List<Token> tokens) { t = tokens; }
                Token Peek => t[i];
                public List<(string, Node)> Program()
                {
                    var stmts = new List<(string, Node)>();
                    while (Peek.Kind != Kind.End)
                    {
                        string target = null;
                        if (Peek.Kind == Kind.Ident && t[i + 1].Kind == Kind.Assign) { target = Peek.Text; i += 2; }
                        stmts.Add((target, Expr()));
                        if (Peek.Kind == Kind.Semi) i++;
                    }
                    return stmts;
                }
                Node Expr() { var n = Term(); while (Peek.Kind == Kind.Op && (Peek.Text == "+" || Peek.Text == "-")) { var op = Peek.Text[0]; i++; n = new Bin(op, n, Term()); } return n; }
                Node Term() { var n = Power(); while (Peek.Kind == Kind.Op && (Peek.Text == "*" || Peek.Text == "/")) { var op = Peek.Text[0]; i++; n = new Bin(op, n, Power()); } return n; }
                Node Power() { var n = Atom(); if (Peek.Kind == Kind.Op && Peek.Text == "^") { i++; return new Bin('^', n, Power()); } return n; }
                Node Atom()
                {
                    var tok = t[i++];
                    switch (tok.Kind)
                    {
                        case Kind.Num: return new Num(tok.Value);
                        case Kind.Ident: return new Var(tok.Text);
                        case Kind.LParen: { var n = Expr(); i++; return n; }
                        case Kind.Op when tok.Text == "-": return new Bin('-', new Num(0), Atom());
                        default: throw new FormatException("unexpected " + tok.Kind);
                    }
                }
            }
            public static class Program
            {
                public static string Run()
                {
                    var src = "x = 3; y = x * (2 + 4.5) ^ 2 / 7; z = -y + x * x - (1 - 2) * 3; w = 2 ^ 3 ^ 2; x * y - z / w; q";
                    var env = new Dictionary<string, double>();
                    var sb = new StringBuilder();
                    foreach (var (target, node) in new Parser(new Lexer(src).All()).Program())
                    {
                        try
                        {
                            var v = node.Eval(env);
                            if (target != null) env[target] = v;
                            sb.Append(target ?? "_").Append('=').Append(v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(' ');
                        }
                        catch (KeyNotFoundException e) { sb.Append("missing:" + e.Message); }
                    }
                    return sb.ToString();
                }
            }
        }

        namespace Hashing
        {
            public static class Program
            {
                static readonly uint[] CrcTable = MakeTable();
                static uint[] MakeTable()
                {
                    var table = new uint[256];
                    for (uint n = 0; n < 256; n++)
                    {
                        uint c = n;
                        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                        table[n] = c;
                    }
                    return table;
                }
                static uint Crc32(ReadOnlySpan<byte> data) { uint c = 0xFFFFFFFF; foreach (var b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8); return c ^ 0xFFFFFFFF; }
                static uint Fnv32(byte[] data) { uint h = 2166136261; for (int i = 0; i < data.Length; i++) { h ^= data[i]; h *= 16777619; } return h; }
                static ulong Fnv64(ReadOnlySpan<byte> data) { ulong h = 14695981039346656037; foreach (var b in data) { h ^= b; h *= 1099511628211; } return h; }
                static uint Adler32(byte[] data) { uint a = 1, b = 0; foreach (var x in data) { a = (a + x) % 65521; b = (b + a) % 65521; } return (b << 16) | a; }
                static unsafe ulong Mix(byte* p, int n) { ulong h = 0; for (int i = 0; i + 8 <= n; i += 8) { h ^= *(ulong*)(p + i); h = (h << 13) | (h >> 51); h *= 0x9E3779B97F4A7C15; } return h; }
                public static unsafe string Run()
                {
                    var data = Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog");
                    Span<byte> stack = stackalloc byte[64];
                    for (int i = 0; i < stack.Length; i++) stack[i] = (byte)(i * 37 + 11);
                    var big = new byte[4096];
                    for (int i = 0; i < big.Length; i++) big[i] = (byte)(i ^ (i >> 3));
                    ulong mixed;
                    fixed (byte* p = big) mixed = Mix(p, big.Length);
                    return $"{Crc32(data):x8} {Fnv32(data):x8} {Fnv64(data):x16} {Adler32(data):x8} {Crc32(stack):x8} {Fnv64(stack):x16} {Crc32(big):x8} {mixed:x16}";
                }
            }
        }

        namespace States
        {
            public enum S { Start, Number, Word, Space, Done }
            public sealed class Log { public List<string> Lines = new List<string>(); public int Finally; }
            public static class Program
            {
                static int Machine(string input, Log log)
                {
                    S state = S.Start; int i = 0, words = 0, numbers = 0;
                    try
                    {
                    next:
                        char c = i < input.Length ? input[i] : '\0';
                        switch (state)
                        {
                            case S.Start:
                            case S.Space:
                                if (c == '\0') { state = S.Done; goto done; }
                                state = char.IsDigit(c) ? S.Number : char.IsLetter(c) ? S.Word : S.Space;
                                if (state == S.Number) numbers++; else if (state == S.Word) words++;
                                break;
                            case S.Number:
                                if (!char.IsDigit(c)) { state = c == '\0' ? S.Done : S.Space; if (state == S.Done) goto done; }
                                break;
                            case S.Word:
                                if (!char.IsLetter(c)) { state = c == '\0' ? S.Done : S.Space; if (state == S.Done) goto done; }
                                break;
                        }
                        i++;
                        if (i > 1000) throw new InvalidOperationException("runaway");
                        goto next;
                    done:
                        log.Lines.Add($"{input.Length}:{words}w{numbers}n");
                        return words * 100 + numbers;
                    }
                    finally
                    {
                        log.Finally++;
                    }
                }
                static int Guarded(int x, Log log)
                {
                    try
                    {
                        try { if (x % 3 == 0) throw new ArgumentException("three"); return 100 / (x % 5); }
                        catch (ArgumentException e) when (e.Message == "three") { log.Lines.Add("filtered " + x); return -3; }
                        finally { log.Finally += 10; }
                    }
                    catch (DivideByZeroException) { log.Lines.Add("div " + x); return -5; }
                }
                public static string Run()
                {
                    var log = new Log();
                    int total = 0;
                    foreach (var s in new[] { "abc 12 de 345 f", "", "99 bottles of beer", "  x  " }) total += Machine(s, log);
                    for (int x = 1; x <= 10; x++) total += Guarded(x, log);
                    return total + " " + log.Finally + " " + string.Join(";", log.Lines);
                }
            }
        }

        namespace Asyncs
        {
            public sealed class Counter { public int Value; public List<int> Seen = new List<int>(); }
            public static class Program
            {
                static async Task<int> Square(int x, Counter c) { await Task.Yield(); lock (c) { c.Value += x; c.Seen.Add(x); } return x * x; }
                static async ValueTask<int> Sum(int n, Counter c)
                {
                    int s = 0;
                    for (int i = 1; i <= n; i++) s += await Square(i, c);
                    return s;
                }
                static async Task<string> Chain(Counter c)
                {
                    var parts = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Square(i, c)));
                    async Task<int> Local(int k) { await Task.Delay(1); return k + parts.Length; }
                    int extra = await Local(5);
                    try { await Fail(); } catch (InvalidOperationException e) { extra += e.Message.Length; }
                    return string.Join(",", parts) + "+" + extra;
                }
                static async Task Fail() { await Task.Yield(); throw new InvalidOperationException("boom"); }
                public static string Run()
                {
                    var c = new Counter();
                    var s = Sum(10, c).AsTask().GetAwaiter().GetResult();
                    var chain = Chain(c).GetAwaiter().GetResult();
                    c.Seen.Sort();
                    return $"{s} {chain} {c.Value} {string.Join(",", c.Seen)}";
                }
            }
        }

        namespace Linq
        {
            public sealed class Order { public int Id; public string Customer; public decimal Amount; public int Year; }
            public static class Program
            {
                public static string Run()
                {
                    var customers = new[] { "ann", "bob", "cyd", "dee" };
                    var orders = Enumerable.Range(1, 60).Select(i => new Order { Id = i, Customer = customers[i * 7 % 4], Amount = i * 3.25m % 17, Year = 2020 + i % 3 }).ToList();
                    var byCustomer = orders.GroupBy(o => o.Customer).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}:{g.Sum(o => o.Amount)}");
                    var byYear = orders.ToLookup(o => o.Year);
                    var top = orders.OrderByDescending(o => o.Amount).ThenBy(o => o.Id).Take(5).Select(o => o.Id);
                    var dict = orders.Where(o => o.Amount > 10).ToDictionary(o => o.Id, o => o.Customer);
                    var joined = from o in orders join c in customers.Select((n, i) => new { n, i }) on o.Customer equals c.n where o.Id % 9 == 0 select o.Id * 10 + c.i;
                    int captured = 0;
                    var agg = orders.Aggregate(0m, (acc, o) => { captured++; return acc + o.Amount * (o.Year - 2019); });
                    var zipped = byYear[2021].Zip(byYear[2022], (a, b) => a.Id * b.Id).Sum();
                    return $"{string.Join(" ", byCustomer)} | {string.Join(",", top)} | {dict.Count} | {string.Join(",", joined)} | {agg} {captured} {zipped} {orders.Average(o => (double)o.Amount):F3}";
                }
            }
        }

        namespace Iterators
        {
            public sealed class Tracker { public int Disposed; public int Produced; }
            public static class Program
            {
                static IEnumerable<int> Fib(Tracker t) { int a = 0, b = 1; try { while (true) { t.Produced++; yield return a; (a, b) = (b, a + b); } } finally { t.Disposed++; } }
                static IEnumerable<T> Every<T>(IEnumerable<T> src, int n) { int i = 0; foreach (var x in src) if (i++ % n == 0) yield return x; }
                static IEnumerable<string> Tree(int depth, string prefix)
                {
                    yield return prefix;
                    if (depth == 0) yield break;
                    foreach (var s in Tree(depth - 1, prefix + "L")) yield return s;
                    foreach (var s in Tree(depth - 1, prefix + "R")) yield return s;
                }
                static IEnumerable<(int, char)> Pairs() { for (int i = 0; i < 3; i++) for (char c = 'a'; c < 'c'; c++) yield return (i, c); }
                public static string Run()
                {
                    var t = new Tracker();
                    var fibs = Fib(t).Take(20).ToList();
                    var every = Every(Fib(t), 3).Take(6).ToArray();
                    var tree = Tree(3, "").ToList();
                    return $"{string.Join(",", fibs)} {string.Join(",", every)} {tree.Count} {string.Join("|", tree.Take(6))} {t.Disposed} {t.Produced} {string.Join(";", Pairs())}";
                }
            }
        }

        namespace Strings
        {
            public static class Program
            {
                static string Caesar(string s, int k)
                {
                    var chars = s.ToCharArray();
                    for (int i = 0; i < chars.Length; i++)
                        if (char.IsLetter(chars[i])) { char b = char.IsUpper(chars[i]) ? 'A' : 'a'; chars[i] = (char)(b + (chars[i] - b + k) % 26); }
                    return new string(chars);
                }
                static string Reverse(string s) => string.Create(s.Length, s, (span, src) => { for (int i = 0; i < span.Length; i++) span[i] = src[src.Length - 1 - i]; });
                static string Rle(string s)
                {
                    var sb = new StringBuilder();
                    for (int i = 0; i < s.Length;) { int j = i; while (j < s.Length && s[j] == s[i]) j++; sb.Append(j - i).Append(s[i]); i = j; }
                    return sb.ToString();
                }
                public static string Run()
                {
                    var sb = new StringBuilder();
                    for (int i = 0; i < 10; i++) sb.AppendFormat(System.Globalization.CultureInfo.InvariantCulture, "{0:D3}-{1:X}/", i * i, i * 255);
                    sb.Insert(0, "[").Append(']').Replace("/", ";");
                    var words = "the cat sat on the mat with the hat".Split(' ');
                    var counts = new Dictionary<string, int>();
                    foreach (var w in words) counts[w] = counts.TryGetValue(w, out var n) ? n + 1 : 1;
                    Span<char> buf = stackalloc char[16];
                    for (int i = 0; i < buf.Length; i++) buf[i] = (char)('a' + (i * 7) % 26);
                    return $"{sb} {Caesar("Hello, World!", 3)} {Reverse("stressed")} {Rle("aaabccddddde")} {string.Join(",", counts.OrderBy(p => p.Key).Select(p => p.Key + p.Value))} {new string(buf)} {string.Concat(words.Select(w => char.ToUpperInvariant(w[0])))}";
                }
            }
        }

        namespace Structs
        {
            public readonly struct Vec { public readonly double X, Y, Z; public Vec(double x, double y, double z) { X = x; Y = y; Z = z; }
                public static Vec operator +(Vec a, Vec b) => new Vec(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
                public static Vec operator *(Vec a, double k) => new Vec(a.X * k, a.Y * k, a.Z * k);
                public double Dot(in Vec o) => X * o.X + Y * o.Y + Z * o.Z; }
            public struct Mat { public Vec R0, R1, R2; public Vec Mul(Vec v) => new Vec(R0.Dot(v), R1.Dot(v), R2.Dot(v)); }
            public struct Particle { public Vec Pos, Vel; public int Hits; }
            public struct Small { public byte A; public short B; public long C; }
            public static class Program
            {
                static ref Particle Pick(Particle[] ps, int i) => ref ps[i % ps.Length];
                static void Step(ref Particle p, in Mat m, double dt)
                {
                    p.Pos = p.Pos + p.Vel * dt;
                    p.Vel = m.Mul(p.Vel);
                    if (p.Pos.X > 1) { p.Hits++; p.Vel = new Vec(-p.Vel.X, p.Vel.Y, p.Vel.Z); }
                }
                public static string Run()
                {
                    var ps = new Particle[16];
                    for (int i = 0; i < ps.Length; i++) ps[i] = new Particle { Pos = new Vec(i * 0.1, 0, 0), Vel = new Vec(0.3, i * 0.01, -0.02) };
                    var m = new Mat { R0 = new Vec(0.99, 0.01, 0), R1 = new Vec(-0.01, 0.99, 0), R2 = new Vec(0, 0, 1) };
                    for (int t = 0; t < 50; t++) for (int i = 0; i < ps.Length; i++) Step(ref ps[i], m, 0.1);
                    ref var p3 = ref Pick(ps, 19);
                    p3.Hits += 100;
                    Span<Small> smalls = stackalloc Small[8];
                    for (int i = 0; i < smalls.Length; i++) smalls[i] = new Small { A = (byte)i, B = (short)(i * -300), C = (long)i << 33 };
                    long acc = 0; foreach (ref readonly var s in smalls) acc += s.A + s.B + s.C;
                    var copy = smalls.ToArray(); copy[2].C = 5; (copy[0], copy[1]) = (copy[1], copy[0]);
                    double sum = 0; int hits = 0; foreach (var p in ps) { sum += p.Pos.X + p.Pos.Y + p.Pos.Z; hits += p.Hits; }
                    return $"{sum:F6} {hits} {ps[3].Hits} {acc} {copy[0].A} {copy[2].C}";
                }
            }
        }

        namespace Collections
        {
            public sealed class MyList<T>
            {
                T[] items = new T[2]; int count;
                public int Count => count;
                public void Add(T x) { if (count == items.Length) Array.Resize(ref items, count * 2); items[count++] = x; }
                public ref T this[int i] => ref items[i];
                public void RemoveAt(int i) { count--; if (i < count) Array.Copy(items, i + 1, items, i, count - i); items[count] = default; }
                public T[] ToArray() { var a = new T[count]; Array.Copy(items, a, count); return a; }
            }
            public sealed class Map<K, V> where K : IEquatable<K>
            {
                struct Entry { public K Key; public V Value; public int Next; public uint Hash; }
                Entry[] entries = new Entry[4]; int[] buckets = new int[4]; int count;
                public int Count => count;
                static uint H(K k) => (uint)EqualityComparer<K>.Default.GetHashCode(k);
                public void Set(K key, V value)
                {
                    uint h = H(key);
                    for (int i = buckets[h % (uint)buckets.Length] - 1; i >= 0; i = entries[i].Next)
                        if (entries[i].Hash == h && entries[i].Key.Equals(key)) { entries[i].Value = value; return; }
                    if (count == entries.Length) Grow();
                    ref var b = ref buckets[h % (uint)buckets.Length];
                    entries[count] = new Entry { Key = key, Value = value, Next = b - 1, Hash = h };
                    b = ++count;
                }
                public bool TryGet(K key, out V value)
                {
                    uint h = H(key);
                    for (int i = buckets[h % (uint)buckets.Length] - 1; i >= 0; i = entries[i].Next)
                        if (entries[i].Hash == h && entries[i].Key.Equals(key)) { value = entries[i].Value; return true; }
                    value = default; return false;
                }
                void Grow()
                {
                    Array.Resize(ref entries, entries.Length * 2);
                    buckets = new int[entries.Length];
                    for (int i = 0; i < count; i++) { ref var b = ref buckets[entries[i].Hash % (uint)buckets.Length]; entries[i].Next = b - 1; b = i + 1; }
                }
            }
            public sealed class Ring<T> { readonly T[] buf; int head, size; public Ring(int n) { buf = new T[n]; }
                public void Push(T x) { buf[(head + size) % buf.Length] = x; if (size < buf.Length) size++; else head = (head + 1) % buf.Length; }
                public IEnumerable<T> Items() { for (int i = 0; i < size; i++) yield return buf[(head + i) % buf.Length]; } }
            public struct Key : IEquatable<Key> { public int A; public string B; public bool Equals(Key o) => A == o.A && B == o.B; public override int GetHashCode() => A * 31 + (B?.Length ?? 0); }
            public static class Program
            {
                public static string Run()
                {
                    var list = new MyList<string>();
                    for (int i = 0; i < 20; i++) list.Add("s" + i);
                    list.RemoveAt(3); list.RemoveAt(0); list[5] = "five"; list[6] += "!";
                    var ints = new MyList<int>(); for (int i = 0; i < 33; i++) ints.Add(i * i); ints[10] *= -1;
                    var map = new Map<int, string>(); for (int i = 0; i < 50; i++) map.Set(i * 7 % 23, "v" + i);
                    var smap = new Map<string, int>(); foreach (var w in "a b c a b a d".Split(' ')) { smap.TryGet(w, out var n); smap.Set(w, n + 1); }
                    var kmap = new Map<Key, double>(); for (int i = 0; i < 10; i++) kmap.Set(new Key { A = i % 4, B = "k" + (i % 3) }, i * 1.5);
                    kmap.TryGet(new Key { A = 1, B = "k1" }, out var kv);
                    var ring = new Ring<long>(5); for (long i = 1; i <= 12; i++) ring.Push(i * i);
                    map.TryGet(14, out var m14); smap.TryGet("a", out var ca);
                    return $"{string.Join(",", list.ToArray())} {ints.ToArray().Sum()} {map.Count} {m14} {smap.Count} {ca} {kmap.Count} {kv} {string.Join(",", ring.Items())}";
                }
            }
        }

        namespace Unsafe
        {
            public unsafe struct Packet { public fixed byte Data[16]; public int Length; }
            public static unsafe class Program
            {
                static void Copy(byte* dst, byte* src, int n) { while (n-- > 0) *dst++ = *src++; }
                static void Fill(Packet* p, byte seed) { for (int i = 0; i < 16; i++) p->Data[i] = (byte)(seed + i * 3); p->Length = 16; }
                public static string Run()
                {
                    Packet a, b;
                    Fill(&a, 5);
                    Copy(b.Data, a.Data, 16); b.Length = a.Length;
                    b.Data[3] = 0xEE;
                    int* ints = stackalloc int[10];
                    for (int i = 0; i < 10; i++) ints[i] = i * i - 7;
                    long* l = (long*)System.Runtime.InteropServices.NativeMemory.Alloc(8 * 4);
                    try { for (int i = 0; i < 4; i++) l[i] = (long)ints[i] << 32 | (uint)ints[9 - i]; return $"{a.Data[15]} {b.Data[3]} {b.Data[4]} {b.Length} {ints[9]} {l[0]:x} {l[3]:x}"; }
                    finally { System.Runtime.InteropServices.NativeMemory.Free(l); }
                }
            }
        }
        """;
}
