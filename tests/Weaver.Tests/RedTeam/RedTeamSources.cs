namespace Weaver.Tests.RedTeam;

/// <summary>The C# text of the red-team "kernel" (host) and of the hostile modules aimed at it.</summary>
public static class RedTeamSources
{
    /// <summary>
    /// The host ("kernel") assembly: the protected targets and a helper that registers their regions and snapshots
    /// their memory. It is never woven (host code is trusted).
    /// </summary>
    public const string Kernel = """
        using System;
        using System.Collections.Generic;
        using System.Runtime.InteropServices;
        using System.Text;
        using GuardRuntime;

        namespace Kernel
        {
            // The red-team kernel exports its whole API: modules may call it, the policy's call rules decide at run time.
            [ModuleExport]
            public struct Inner { public int Mask; public int Other; }

            [ModuleExport]
            public class Credentials
            {
                public int Uid = 1000;
                public int Gid = 1000;
                public Inner Caps = new Inner { Mask = 0xff, Other = 1 };
                public long Flags = 7;
                public int[] Groups = { 1, 2 };
                public string Name = new string('k', 6); // a host string: immutable for every module
                public int Prop { get => Uid; set => Uid = value; }
                private int key = 42; // non-public: out of reach of modules, by name and by reflection
                public int Key => key;
                public void SetUid(int v) { Uid = v; }
            }

            [StructLayout(LayoutKind.Sequential), ModuleExport]
            public class Config { public int Mode = 3; public int Level = 4; }

            // Not exported: a host constructor that writes a static (a module may not run it, by 'new' or by reflection).
            public class Resetter { public static int Epoch = 1; public Resetter() { Epoch++; } }

            /// <summary>Everything a hostile module aims at, with the regions a policy names.</summary>
            [ModuleExport]
            public sealed unsafe class Targets : IDisposable
            {
                public Credentials Cred = new Credentials();
                public Config Config = new Config();
                public int[] Table = new int[16];
                public byte[] Bytes = new byte[32];
                public nint Mmio = (nint)NativeMemory.AllocZeroed(64);
                public List<int> Tasks = new List<int>(16);
                public int[] TasksBacking;
                public byte[] Payload;
                public nint Memset = NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "memset");

                public Targets()
                {
                    for (int i = 0; i < Table.Length; i++) Table[i] = 100 + (i * 7) % 16;
                    for (int i = 0; i < Bytes.Length; i++) Bytes[i] = (byte)(0x40 + i);
                    for (int i = 0; i < 64; i++) ((byte*)Mmio)[i] = 0x11;
                    for (int i = 0; i < 16; i++) Tasks.Add(200 + i);
                    TasksBacking = (int[])typeof(List<int>).GetField("_items", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance).GetValue(Tasks);
                }

                /// <summary>Registers the regions a target kind's policy names.</summary>
                public void Protect(string kind)
                {
                    switch (kind)
                    {
                        case "Object": Regions.Protect(Cred, "cred"); Regions.Protect(Config, "cred"); break;
                        case "Array": Regions.ProtectElements(Table, 4, 8, "table"); Regions.ProtectElements(Bytes, 8, 16, "table"); break;
                        case "Native": Regions.ProtectRange(Mmio + 32, 32, "mmio"); break;
                        case "List": Regions.ProtectElements(TasksBacking, 0, 16, "tasks"); break;
                    }
                }

                /// <summary>The protected memory of a target kind, as text (equal text = unchanged memory).</summary>
                public string Snapshot(string kind)
                {
                    var s = new StringBuilder();
                    switch (kind)
                    {
                        case "Field":
                        case "Object":
                            s.Append($"epoch={Resetter.Epoch} key={Cred.Key} ");
                            s.Append($"name={Cred.Name} uid={Cred.Uid} gid={Cred.Gid} caps={Cred.Caps.Mask}/{Cred.Caps.Other} flags={Cred.Flags} groups={Cred.Groups.Length}:{string.Join(",", Cred.Groups)}");
                            if (kind == "Object") s.Append($" config={Config.Mode}/{Config.Level}");
                            break;
                        case "Array":
                            for (int i = 4; i < 12; i++) s.Append(Table[i]).Append(',');
                            s.Append('|');
                            for (int i = 8; i < 24; i++) s.Append(Bytes[i]).Append(',');
                            break;
                        case "Native":
                            for (int i = 32; i < 64; i++) s.Append(((byte*)Mmio)[i]).Append(',');
                            break;
                        case "List":
                            foreach (var x in TasksBacking) s.Append(x).Append(',');
                            break;
                    }
                    return s.ToString();
                }

                public void Dispose()
                {
                    if (Mmio != 0) NativeMemory.Free((void*)Mmio);
                    Mmio = 0;
                }
            }
        }
        """;

    /// <summary>Unwoven code a hostile module tries to load and run (pokes an int at a raw address).</summary>
    public const string Payload = """
        public static class Evil
        {
            public static unsafe void Poke(nint p) { *(int*)p = 0; }
        }
        """;

    /// <summary>
    /// The hostile module whose techniques the weaver must guard (one static method per technique, each taking the
    /// kernel's <c>Targets</c>). Compiled and woven once.
    /// </summary>
    public const string Module = """
        #pragma warning disable CS8500
        using System;
        using System.Buffers.Binary;
        using System.Collections.Generic;
        using System.IO;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using System.Text;
        using System.Threading;
        using Kernel;

        namespace RedTeam
        {
            public ref struct Holder { public ref int R; }
            [System.Runtime.CompilerServices.InlineArray(4)] public struct Quad { private int e; }

            // Mirrors Kernel.Credentials field for field, so that the runtime lays it out the same way.
            public class Fake
            {
                public int Uid; public int Gid; public FakeInner Caps; public long Flags; public int[] Groups; public string Name;
            }
            public struct FakeInner { public int Mask; public int Other; }


            public static unsafe class Attack
            {
                public static Targets NewTargets() => new Targets();

                // ---- 1. byrefs ----
                public static void RefLocal(Targets t) { ref int r = ref t.Cred.Uid; r = 0; }
                static ref int Pick(Credentials c) => ref c.Uid;
                public static void RefReturn(Targets t) { Pick(t.Cred) = 0; }
                static void SetRef(ref int x) { x = 0; }
                public static void RefArgument(Targets t) { SetRef(ref t.Cred.Uid); }
                static void SetOut(out int x) { x = 0; }
                public static void OutArgument(Targets t) { SetOut(out t.Cred.Uid); }
                public static void ElementRef(Targets t) { ref int e = ref t.Table[6]; e = 0; }
                public static void StructFieldViaRef(Targets t) { ref Inner s = ref t.Cred.Caps; s.Mask = 0; }
                public static void InitObjViaRef(Targets t) { ref Inner s = ref t.Cred.Caps; s = default; }
                public static void StobjViaRef(Targets t) { ref Inner s = ref t.Cred.Caps; s = new Inner { Mask = 0, Other = 9 }; }
                public static void RefFieldInRefStruct(Targets t) { var h = new Holder { R = ref t.Cred.Uid }; h.R = 0; }

                // ---- 2. spans and memory views ----
                public static void AsSpanIndexer(Targets t) { t.Table.AsSpan()[6] = 0; }
                public static void NewSpan(Targets t) { var s = new Span<int>(t.Table); s[6] = 0; }
                public static void SpanSlice(Targets t) { t.Table.AsSpan().Slice(5, 3)[1] = 0; }
                public static void SpanFill(Targets t) { t.Table.AsSpan(5, 3).Fill(0); }
                public static void SpanClear(Targets t) { t.Table.AsSpan().Clear(); }
                public static void SpanCopyTo(Targets t) { new int[3].AsSpan().CopyTo(t.Table.AsSpan(6)); }
                public static void ArrayCopyToSpan(Targets t) { new int[2].CopyTo(t.Table.AsSpan(6)); }
                public static void MemorySpan(Targets t) { var m = new Memory<int>(t.Table); m.Span[6] = 0; }
                public static void CreateSpan(Targets t) { MemoryMarshal.CreateSpan(ref t.Cred.Uid, 1)[0] = 0; }

                // ---- framework calls that write for the module (deny by default: effect model) ----
                public static void IListSetItemOnArray(Targets t) { ((IList<int>)t.Table)[6] = 0; }
                public static void NonGenericIListOnArray(Targets t) { ((System.Collections.IList)t.Table)[6] = 0; }
                public static void BufferSetByte(Targets t) { Buffer.SetByte(t.Table, 24, 0); }
                public static void ArraySortItems(Targets t)
                {
                    var keys = new int[t.Table.Length];
                    for (int i = 0; i < keys.Length; i++) keys[i] = -i;
                    Array.Sort(keys, t.Table); // permutes the items array: the table is reversed
                }
                public static void ListReverse(Targets t) { t.Tasks.Reverse(); }
                public static void ListSetItem(Targets t) { t.Tasks[3] = 0; }
                public static void ICollectionCopyTo(Targets t) { ((ICollection<int>)new List<int> { 0, 0, 0 }).CopyTo(t.Table, 5); }
                public static void VectorStorePinned(Targets t) { fixed (int* p = t.Table) System.Runtime.Intrinsics.Vector128.Store(System.Runtime.Intrinsics.Vector128<int>.Zero, p + 4); }
                public static void VectorStoreUnsafeOffset(Targets t) { System.Runtime.Intrinsics.Vector128.StoreUnsafe(System.Runtime.Intrinsics.Vector128<int>.Zero, ref t.Table[0], 4); }
                public static void Sse2StorePinned(Targets t) { fixed (int* p = t.Table) System.Runtime.Intrinsics.X86.Sse2.Store(p + 6, System.Runtime.Intrinsics.Vector128<int>.Zero); }
                public static void VectorOfTStore(Targets t) { fixed (int* p = t.Table) System.Numerics.Vector.Store(System.Numerics.Vector<int>.Zero, p + 4); }
                public static void EncodingGetBytesPointer(Targets t)
                {
                    fixed (byte* b = t.Bytes) fixed (char* c = "AAAAAAAA") System.Text.Encoding.ASCII.GetBytes(c, 8, b + 8, 8);
                }
                // Benign controls: reading a pinned string (parsers do this), LINQ and collections of the module's own.
                public static void ParsePinnedString(Targets t)
                {
                    int sum = 0;
                    fixed (char* p = "12345") for (int i = 0; i < 5; i++) sum += p[i] - '0';
                    if (sum != 15) throw new InvalidOperationException("pinned read");
                }
                public static void OwnCollections(Targets t)
                {
                    var list = new List<int> { 3, 1, 2 };
                    list.Sort();
                    var d = new Dictionary<string, object> { ["a"] = 1 };
                    d["b"] = 2;
                    var s = string.Join(",", System.Linq.Enumerable.Select(System.Linq.Enumerable.Where(list, x => x > 1), x => x * 2)) + d.Count + string.Format("{0}", 5);
                    Span<byte> buf = stackalloc byte[8];
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buf, 7);
                    var own = new byte[16];
                    System.Runtime.Intrinsics.Vector128.StoreUnsafe(System.Runtime.Intrinsics.Vector128<byte>.Zero, ref own[0]);
                    if (s.Length == 0) throw new InvalidOperationException(s);
                }
                public static void SpanReplace(Targets t) { t.Table.AsSpan().Replace(t.Table[6], 0); }

                // ---- 3. raw pointers ----
                public static void FixedArray(Targets t) { fixed (int* p = t.Table) p[6] = 0; }
                public static void FixedField(Targets t) { fixed (int* p = &t.Cred.Uid) *p = 0; }
                public static void Stackalloc(Targets t) { int* s = stackalloc int[4]; s[1] = 5; if (s[1] != 5) throw new Exception(); }
                public static void PointerWalk(Targets t) { byte* p = (byte*)t.Mmio; for (int i = 0; i < 40; i++) p++; *(int*)p = 0; }
                public static void NintCast(Targets t) { nint a = t.Mmio + 36; *(int*)a = 0; }
                public static void AsPointer(Targets t) { int* p = (int*)Unsafe.AsPointer(ref t.Cred.Uid); *p = 0; }

                // ---- 4. library calls ----
                public static void ArrayCopy3(Targets t) { Array.Copy(new int[16], t.Table, 16); }
                public static void ArrayCopy5(Targets t) { Array.Copy(new int[1], 0, t.Table, 6, 1); }
                public static void ArrayClear(Targets t) { Array.Clear(t.Table, 6, 1); }
                public static void ArrayClearAll(Targets t) { Array.Clear(t.Table); }
                public static void ArrayFill(Targets t) { Array.Fill(t.Table, 0); }
                public static void ArrayResizeRef(Targets t) { Array.Resize(ref t.Cred.Groups, 5); }
                public static void ArrayReverse(Targets t) { Array.Reverse(t.Table); }
                public static void ArraySort(Targets t) { Array.Sort(t.Table); }
                public static void BufferBlockCopy(Targets t) { Buffer.BlockCopy(new int[1], 0, t.Table, 24, 4); }
                public static void BufferMemoryCopy(Targets t) { long z = 0; Buffer.MemoryCopy(&z, (void*)(t.Mmio + 32), 32, 8); }
                public static void NativeMemoryCopy(Targets t) { long z = 0; NativeMemory.Copy(&z, (void*)(t.Mmio + 28), 8); }
                public static void NativeMemoryFill(Targets t) { NativeMemory.Fill((void*)(t.Mmio + 28), 8, 0); }
                public static void NativeMemoryClear(Targets t) { NativeMemory.Clear((void*)(t.Mmio + 28), 8); }
                public static void MarshalCopyToNative(Targets t) { Marshal.Copy(new int[1], 0, t.Mmio + 40, 1); }
                public static void MarshalCopyToArray(Targets t) { Marshal.Copy(t.Mmio, t.Table, 6, 1); }
                public static void MarshalWriteInt32(Targets t) { Marshal.WriteInt32(t.Mmio, 40, 0); }
                public static void InterlockedExchange(Targets t) { Interlocked.Exchange(ref t.Cred.Uid, 0); }
                public static void InterlockedIncrement(Targets t) { Interlocked.Increment(ref t.Cred.Uid); }
                public static void InterlockedCompareExchange(Targets t) { Interlocked.CompareExchange(ref t.Cred.Uid, 0, 1000); }
                public static void VolatileWrite(Targets t) { Volatile.Write(ref t.Cred.Uid, 0); }
                public static void UnsafeWriteRef(Targets t) { Unsafe.As<int, long>(ref t.Table[5]) = 0; }
                public static void UnsafeWritePointer(Targets t) { Unsafe.Write((void*)(t.Mmio + 40), 0); }
                public static void UnsafeWriteUnalignedPointer(Targets t) { Unsafe.WriteUnaligned((void*)(t.Mmio + 41), 0); }
                public static void UnsafeWriteUnalignedRef(Targets t) { Unsafe.WriteUnaligned(ref t.Bytes[6], 0L); }
                public static void UnsafeCopyBlockPointer(Targets t) { long z = 0; Unsafe.CopyBlock((void*)(t.Mmio + 28), &z, 8); }
                public static void UnsafeCopyBlockRef(Targets t) { long z = 0; Unsafe.CopyBlock(ref t.Bytes[4], ref *(byte*)&z, 8); }
                public static void UnsafeInitBlockPointer(Targets t) { Unsafe.InitBlock((void*)(t.Mmio + 28), 0, 8); }
                public static void UnsafeInitBlockRef(Targets t) { Unsafe.InitBlockUnaligned(ref t.Bytes[4], 0, 8); }
                public static void BinaryPrimitivesWrite(Targets t) { BinaryPrimitives.WriteInt32LittleEndian(t.Bytes.AsSpan(8), 0); }
                public static void EncodingGetBytesArray(Targets t) { Encoding.UTF8.GetBytes("AAAA", 0, 4, t.Bytes, 8); }
                public static void EncodingGetBytesSpan(Targets t) { Encoding.UTF8.GetBytes("AAAA".AsSpan(), t.Bytes.AsSpan(8)); }
                public static void EncodingTryGetBytes(Targets t) { Encoding.UTF8.TryGetBytes("AAAA".AsSpan(), t.Bytes.AsSpan(8), out _); }
                public static void StreamRead(Targets t) { new MemoryStream(new byte[4]).Read(t.Bytes, 8, 4); }
                public static void StreamReadSpan(Targets t) { new MemoryStream(new byte[4]).Read(t.Bytes.AsSpan(8, 4)); }
                public static void StreamReadAtLeast(Targets t) { new MemoryStream(new byte[4]).ReadAtLeast(t.Bytes.AsSpan(8, 4), 4); }
                public static void RandomShuffle(Targets t) { new Random(1).Shuffle(t.Table); }

                // ---- 6. type confusion (no refused API) ----
                public static void HostCallDirect(Targets t) { t.Cred.SetUid(0); }
                public static void HostDelegate(Targets t) { Action<int> set = t.Cred.SetUid; set(0); }

                // ---- 7. reflection, checked at run time as the compiled store or call it stands for ----
                const System.Reflection.BindingFlags Any = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance;
                public static void FieldInfoSetValue(Targets t) { t.Cred.GetType().GetField("Uid")!.SetValue(t.Cred, 0); }
                public static void FieldInfoSetValueFull(Targets t) =>
                    typeof(Credentials).GetField("Uid")!.SetValue(t.Cred, 0, System.Reflection.BindingFlags.Default, null, null);
                public static void FieldInfoSetValueRegion(Targets t) { typeof(Config).GetField("Mode")!.SetValue(t.Config, 0); }
                public static void PropertyInfoSetValue(Targets t) { typeof(Credentials).GetProperty("Prop")!.SetValue(t.Cred, 0); }
                public static void PropertySetMethodInvoke(Targets t) =>
                    typeof(Credentials).GetProperty("Prop")!.GetSetMethod(true)!.Invoke(t.Cred, new object[] { 0 });
                public static void MethodInfoInvoke(Targets t) { t.Cred.GetType().GetMethod("SetUid")!.Invoke(t.Cred, new object[] { 0 }); }
                public static void DelegateCreateDelegate(Targets t) =>
                    ((Action<int>)Delegate.CreateDelegate(typeof(Action<int>), t.Cred, "SetUid"))(0);
                public static void MethodInfoCreateDelegate(Targets t) =>
                    typeof(Credentials).GetMethod("SetUid")!.CreateDelegate<Action<int>>(t.Cred)(0);
                // A delegate to a reflection writer runs the check with the site where it was bound.
                public static void SetValueDelegate(Targets t)
                {
                    Action<object, object> set = typeof(Credentials).GetField("Uid")!.SetValue;
                    set(t.Cred, 0);
                }
                // A framework writer invoked by reflection is the direct call: Array.Copy's destination range is checked.
                public static void ReflectedArrayCopy(Targets t) =>
                    typeof(Array).GetMethod("Copy", new[] { typeof(Array), typeof(Array), typeof(int) })!
                        .Invoke(null, new object[] { new int[16], t.Table, 16 });
                // A reflection writer reached by reflection runs through its shim.
                public static void SetValueByInvoke(Targets t) =>
                    typeof(System.Reflection.FieldInfo).GetMethod("SetValue", new[] { typeof(object), typeof(object) })!
                        .Invoke(typeof(Credentials).GetField("Uid"), new object[] { t.Cred, 0 });
                // The runtime's own subclass, called virtually (RuntimeFieldInfo.SetValue via the base declaration).
                public static void RuntimeFieldInfoVirtual(Targets t)
                {
                    System.Reflection.FieldInfo f = typeof(Credentials).GetField("Flags", Any)!;
                    f.GetType().GetMethod("SetValue", new[] { typeof(object), typeof(object) })!.Invoke(f, new object[] { t.Cred, 0L });
                }
                // A framework method that writes its receiver, invoked by reflection: the list whose storage is protected.
                // CollectionsMarshal as collection expressions use it: the list is checked with its storage.
                public static void CollectionsMarshalAsSpan(Targets t) { CollectionsMarshal.AsSpan(t.Tasks)[3] = 0; }
                public static void CollectionsMarshalSpanClear(Targets t) { CollectionsMarshal.AsSpan(t.Tasks).Clear(); }
                public static void CollectionsMarshalSetCount(Targets t) { CollectionsMarshal.SetCount(t.Tasks, 0); t.Tasks.Add(0); }
                // Compiler-generated spans (collection expressions, inline arrays) written into protected memory.
                public static void CollectionExpressionCopy(Targets t) { Span<int> seed = [0, 0, 0]; seed.CopyTo(t.Table.AsSpan(5)); }
                public static void InlineArraySpanStore(Targets t)
                {
                    var b = new Quad();
                    Span<int> s = b;
                    Span<int> table = t.Table;
                    for (int i = 0; i < s.Length; i++) table[4 + i] = s[i];
                }
                public static void CollectionExpressionOwn(Targets t) { List<int> l = [1, 2, 3]; ReadOnlySpan<string> w = ["a", "b"]; t.Bytes[0] = (byte)(l.Count + w.Length); }
                // A reinterpreted reference reaches sizeof(TTo) bytes: checked where it is formed (element 3 is free, 4 is not).
                public static void UnsafeAsWiden(Targets t) { ref long wide = ref Unsafe.As<int, long>(ref t.Table[3]); wide = 0; }
                public static void UnsafeAsNarrow(Targets t) { long own = -1; Unsafe.As<long, int>(ref own) = 0; t.Bytes[0] = (byte)own; }
                public static void ReflectedListReverse(Targets t) =>
                    typeof(List<int>).GetMethod("Reverse", Type.EmptyTypes)!.Invoke(t.Tasks, null);
            }
        }
        """;

    /// <summary>One hostile module per refused technique (one refusal fails a whole weave). Each has <c>RedTeam.Attack.Run(Targets)</c>.</summary>
    /// <summary>Techniques of <see cref="Refused"/> that weave and are refused at run time (code generation, loading).</summary>
    public static readonly IReadOnlySet<string> StoppedAtRunTime = new HashSet<string>
        { "DynamicMethod", "AssemblyLoadBytes", "AssemblyLoadContext", "ActivatorHostConstructor", "PrivateFieldSetValue",
          "InvokeMemberSetField", "UninitializedHostObject", "EventAddHandler", "UnsafeAsObject" };

    public static readonly IReadOnlyDictionary<string, string> Refused = new Dictionary<string, string>
    {
        // Reflection the checks refuse at run time: a host constructor the host does not export (it writes a static), a
        // private host field, Type.InvokeMember (binds in framework code), an object made without its constructor.
        ["ActivatorHostConstructor"] = "Activator.CreateInstance(typeof(Resetter));",
        ["PrivateFieldSetValue"] = "typeof(Credentials).GetField(\"key\", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance).SetValue(t.Cred, 0);",
        ["InvokeMemberSetField"] = "typeof(Credentials).InvokeMember(\"Uid\", System.Reflection.BindingFlags.SetField | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance, null, t.Cred, new object[] { 0 });",
        ["UninitializedHostObject"] = "var c = (Credentials)RuntimeHelpers.GetUninitializedObject(typeof(Credentials)); t.Cred.Groups = c.Groups ?? new int[0];",
        ["EventAddHandler"] = "typeof(AppDomain).GetEvent(\"ProcessExit\").AddEventHandler(AppDomain.CurrentDomain, new EventHandler((s, e) => { })); t.Cred.Uid = 0;",
        ["DynamicMethod"] = """
            var dm = new System.Reflection.Emit.DynamicMethod("w", null, new[] { typeof(Credentials) }, typeof(Credentials), true);
            var il = dm.GetILGenerator();
            il.Emit(System.Reflection.Emit.OpCodes.Ldarg_0); il.Emit(System.Reflection.Emit.OpCodes.Ldc_I4_0);
            il.Emit(System.Reflection.Emit.OpCodes.Stfld, typeof(Credentials).GetField("Uid")); il.Emit(System.Reflection.Emit.OpCodes.Ret);
            ((Action<Credentials>)dm.CreateDelegate(typeof(Action<Credentials>)))(t.Cred);
            """,
        ["AssemblyLoadBytes"] = "var a = System.Reflection.Assembly.Load(t.Payload); ((Action<nint>)a.GetType(\"Evil\").GetMethod(\"Poke\").CreateDelegate(typeof(Action<nint>)))(t.Mmio + 40);",
        ["AssemblyLoadContext"] = "var a = new System.Runtime.Loader.AssemblyLoadContext(\"evil\").LoadFromStream(new System.IO.MemoryStream(t.Payload)); ((Action<nint>)a.GetType(\"Evil\").GetMethod(\"Poke\").CreateDelegate(typeof(Action<nint>)))(t.Mmio + 40);",
        ["DllImportMemset"] = "memset(t.Mmio + 40, 0, 4);",
        ["FunctionPointerUnmanaged"] = "delegate* unmanaged<nint, int, nuint, nint> f = (delegate* unmanaged<nint, int, nuint, nint>)t.Memset; f(t.Mmio + 40, 0, 4);",
        ["FunctionPointerManaged"] = "delegate*<Credentials, int, void> f = &Set; f(t.Cred, 0);",
        ["MakeRef"] = "var tr = __makeref(t.Cred.Uid); __refvalue(tr, int) = 0;",
        ["MarshalPtrToStructure"] = "Marshal.PtrToStructure(t.Mmio, t.Config);",
        ["UnsafeAsRefTypes"] = "Credentials c = t.Cred; Unsafe.As<Credentials, Fake>(ref c).Uid = 0;",
        ["ExplicitUnion"] = "var u = new Union(); u.Real = t.Cred; u.Forged.Uid = 0;",
        // Unsafe.AsRef(in x) turns a read-only ref (which may point into a string or a boxed value) into a writable one.
        ["InViaAsRef"] = "ref readonly int r = ref t.Cred.Uid; Unsafe.AsRef(in r) = 0;",
        // Immutable shared objects: a writable address formed into a string.
        ["FixedStringWrite"] = "fixed (char* p = t.Cred.Name) p[0] = 'X';",
        ["StringPinnableReference"] = "ref char c = ref Unsafe.AsRef(in t.Cred.Name.GetPinnableReference()); c = 'X';",
        ["ReadOnlySpanGetReference"] = "ref char c = ref MemoryMarshal.GetReference(t.Cred.Name.AsSpan()); c = 'X';",
        ["MemoryMarshalAsMemory"] = "MemoryMarshal.AsMemory(t.Cred.Name.AsMemory()).Span[0] = 'X';",
        ["FixedStringViaHelper"] = "fixed (char* p = t.Cred.Name) new Span<char>(p, 6).Fill('X');",
        // Type confusion through structs that wrap references, and references turned into pointers.
        ["StructWrappedUnion"] = "var u = new Union2(); u.A.O = t.Cred; u.B.F.Uid = 0;",
        ["UnsafeAsStructWrapper"] = "var w = new W1 { O = t.Cred }; Unsafe.As<W1, W2>(ref w).F.Uid = 0;",
        ["UnsafeReadWrapper"] = "var w = new W1 { O = t.Cred }; Unsafe.ReadUnaligned<W2>(Unsafe.AsPointer(ref w)).F.Uid = 0;",
        ["AsPointerOfReference"] = "Credentials c = t.Cred; Unsafe.AsRef<Fake>(Unsafe.AsPointer(ref c)).Uid = 0;",
        ["GCHandleAddrOfPinned"] = "var h = GCHandle.Alloc(t.Table, GCHandleType.Pinned); ((int*)h.AddrOfPinnedObject())[6] = 0; h.Free();",
        // Framework code that writes by reflection for the module.
        ["TypeDescriptorSetValue"] = "System.ComponentModel.TypeDescriptor.GetProperties(t.Cred)[\"Prop\"].SetValue(t.Cred, 0);",
        ["UnsafeAsObject"] = "Unsafe.As<Fake>((object)t.Cred).Uid = 0;",
        ["PointerReinterpret"] = "Credentials c = t.Cred; Fake f = *(Fake*)&c; f.Uid = 0;",
    };

    /// <summary>The module text around one refused technique's statement.</summary>
    public static string RefusedModule(string statements) => $$"""
        {{(statements.StartsWith("memset(", StringComparison.Ordinal) ? "#define PINVOKE" : "")}}
        {{(statements.Contains("new Union()", StringComparison.Ordinal) ? "#define UNION" : "")}}
        {{(statements.Contains("Union2", StringComparison.Ordinal) ? "#define UNION2" : "")}}
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using Kernel;

        namespace RedTeam
        {
            public class Fake { public int Uid; public int Gid; public Inner Caps; public long Flags; public int[] Groups; public string Name; }
        #if UNION
            [StructLayout(LayoutKind.Explicit)]
            public struct Union { [FieldOffset(0)] public object Real; [FieldOffset(0)] public Fake Forged; }
        #endif
            public struct W1 { public object O; }
            public struct W2 { public Fake F; }
        #if UNION2
            [StructLayout(LayoutKind.Explicit)]
            public struct Union2 { [FieldOffset(0)] public W1 A; [FieldOffset(0)] public W2 B; }
        #endif

            public static unsafe class Attack
            {
                public static Targets NewTargets() => new Targets();
        #if PINVOKE
                [DllImport("libc", EntryPoint = "memset")] static extern nint memset(nint p, int c, nuint n);
        #endif
                static void Set(Credentials c, int v) { c.Uid = v; }
                public static void Run(Targets t)
                {
                    {{statements}}
                }
            }
        }
        """;
}
