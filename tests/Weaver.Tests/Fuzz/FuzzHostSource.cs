namespace Weaver.Tests.Fuzz;

/// <summary>
/// The C# text of the fuzz "kernel": the protected objects a generated module aims at, and the trusted helpers that
/// register their regions, snapshot their bytes and restore them between calls. It is compiled as a host assembly
/// (it may see the guard's control API) and never woven; modules only see its public objects.
/// </summary>
public static class FuzzHostSource
{
    public const string AssemblyName = "FuzzHost";

    /// <summary>The region names of the deny policy (one per kind of protected memory).</summary>
    public static readonly string[] RegionNames = ["fuzz-table", "fuzz-bytes", "fuzz-obj", "fuzz-mmio"];

    public const string Source = """
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using GuardRuntime;

        namespace FuzzKernel
        {
            public struct Caps { public int A; public int B; }

            // Sequential so that Marshal.PtrToStructure(ptr, obj) and friends can reach it: the fuzz must offer the
            // framework every way in.
            [StructLayout(LayoutKind.Sequential)]
            public class HostObject
            {
                public long Id;
                public int Uid;
                public int Gid;
                public short Mode;
                public byte Flags;
                public bool Active;
                public Caps Caps;
            }

            public static unsafe class Kernel
            {
                public const int NativeLength = 64;

                // Pinned (POH) so that a pointer handed to a module stays valid for the whole call.
                public static readonly long[] Table = GC.AllocateArray<long>(16, pinned: true);
                public static readonly byte[] Bytes = GC.AllocateArray<byte>(32, pinned: true);
                public static readonly HostObject Obj = new HostObject();

                // 4 KiB block, protected only in [1024, 1088): a framework write that overshoots by a few elements
                // lands in the harness's own slack instead of the C heap.
                private static readonly byte* Block = (byte*)NativeMemory.AllocZeroed(4096);

                public static byte* Native => Block + 1024;
                public static long* TablePointer => (long*)Unsafe.AsPointer(ref Table[0]);
                public static byte* BytesPointer => (byte*)Unsafe.AsPointer(ref Bytes[0]);

                static Kernel() { Reset(); }

                /// <summary>Registers every protected object under its region name.</summary>
                public static void Protect()
                {
                    Regions.Protect(Table, "fuzz-table");
                    Regions.Protect(Bytes, "fuzz-bytes");
                    Regions.Protect(Obj, "fuzz-obj");
                    Regions.ProtectRange(Native, NativeLength, "fuzz-mmio");
                }

                /// <summary>Restores the known contents (unsorted and distinct, so a sort or reverse shows).</summary>
                public static void Reset()
                {
                    for (int i = 0; i < Table.Length; i++) Table[i] = 1000 + (i * 7) % 16;
                    for (int i = 0; i < Bytes.Length; i++) Bytes[i] = (byte)(0x40 + (i * 5) % 32);
                    for (int i = 0; i < NativeLength; i++) Native[i] = (byte)(0x11 + i);
                    Obj.Id = 0x1122334455667788; Obj.Uid = 1000; Obj.Gid = 1000; Obj.Mode = 0x1ed; Obj.Flags = 7;
                    Obj.Active = true; Obj.Caps = new Caps { A = 0xff, B = 1 };
                }

                /// <summary>Every protected byte, region by region (the offsets of <see cref="RegionOf"/>).</summary>
                public static byte[] Snapshot()
                {
                    var s = new byte[Table.Length * 8 + Bytes.Length + ObjectBytes + NativeLength];
                    MemoryMarshal.AsBytes(Table.AsSpan()).CopyTo(s);
                    Bytes.CopyTo(s, Table.Length * 8);
                    var o = s.AsSpan(Table.Length * 8 + Bytes.Length, ObjectBytes);
                    BitConverter.TryWriteBytes(o, Obj.Id);
                    BitConverter.TryWriteBytes(o.Slice(8), Obj.Uid);
                    BitConverter.TryWriteBytes(o.Slice(12), Obj.Gid);
                    BitConverter.TryWriteBytes(o.Slice(16), Obj.Mode);
                    o[18] = Obj.Flags;
                    o[19] = Obj.Active ? (byte)1 : (byte)0;
                    BitConverter.TryWriteBytes(o.Slice(20), Obj.Caps.A);
                    BitConverter.TryWriteBytes(o.Slice(24), Obj.Caps.B);
                    new ReadOnlySpan<byte>(Native, NativeLength).CopyTo(s.AsSpan(s.Length - NativeLength));
                    return s;
                }

                private const int ObjectBytes = 28;

                /// <summary>The region a snapshot offset belongs to.</summary>
                public static string RegionOf(int offset) =>
                    offset < Table.Length * 8 ? "fuzz-table[" + offset / 8 + "]"
                    : offset < Table.Length * 8 + Bytes.Length ? "fuzz-bytes[" + (offset - Table.Length * 8) + "]"
                    : offset < Table.Length * 8 + Bytes.Length + ObjectBytes ? "fuzz-obj+" + (offset - Table.Length * 8 - Bytes.Length)
                    : "fuzz-mmio+" + (offset - Table.Length * 8 - Bytes.Length - ObjectBytes);
            }
        }
        """;
}
