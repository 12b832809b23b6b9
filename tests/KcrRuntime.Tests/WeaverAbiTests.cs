using System.Reflection;
using System.Reflection.Emit;

namespace KcrRuntime.Tests;

/// <summary>
/// Emits, instruction for instruction, the wrapper that src/KcrRuntime/README.md tells the weaver
/// to emit, and runs it: proof that the documented IL is valid and behaves.
/// </summary>
public sealed class WeaverAbiTests
{
    public static readonly MemoTable<int> ChecksumTable =
        new("Tests.WeaverAbi::Checksum(System.Byte[],System.Int32,Tests.Color)", KcrOptions.Create(-1, -1, -1, -1));

    public static int OriginalCalls;

    public enum Color : short { Red = 1, Blue = 2 }

    public static int ChecksumOriginal(byte[] data, int seed, Color color)
    {
        Interlocked.Increment(ref OriginalCalls);
        int sum = seed * 31 + (int)color;
        foreach (byte b in data)
        {
            sum = sum * 31 + b;
        }

        return sum;
    }

    [Fact]
    public void Documented_IL_runs_learns_and_serves()
    {
        var wrapper = EmitWrapper().CreateDelegate<Func<byte[], int, Color, int>>();
        byte[] data = [1, 2, 3];
        int expected = ChecksumOriginal(data, 7, Color.Blue);
        int before = Volatile.Read(ref OriginalCalls);

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(expected, wrapper(data, 7, Color.Blue));
        }

        Assert.Equal(ChecksumOriginal(data, 7, Color.Red), wrapper(data, 7, Color.Red));
        Assert.Equal(LearningState.Serving, ChecksumTable.State);
        Assert.Equal(4 + 1 + 1, Volatile.Read(ref OriginalCalls) - before); // 4 learning calls, Red expected value, Red miss
        Assert.Equal(6, ChecksumTable.GetStatistics().L2Hits);
    }

    private static DynamicMethod EmitWrapper()
    {
        var method = new DynamicMethod("Checksum", typeof(int), [typeof(byte[]), typeof(int), typeof(Color)], typeof(WeaverAbiTests).Module);
        method.InitLocals = false; // the wrapper's locals are all written before being read
        ILGenerator il = method.GetILGenerator();
        LocalBuilder key = il.DeclareLocal(typeof(KeyBuilder));
        LocalBuilder result = il.DeclareLocal(typeof(int));
        FieldInfo table = typeof(WeaverAbiTests).GetField(nameof(ChecksumTable))!;
        Type tableType = typeof(MemoTable<int>);
        Label miss = il.DefineLabel();

        // var key = new KeyBuilder(localloc 256, 256, table); localloc needs an otherwise empty stack.
        il.Emit(OpCodes.Ldc_I4, KeyBuilder.InlineCapacity);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Localloc);
        il.Emit(OpCodes.Ldc_I4, KeyBuilder.InlineCapacity);
        il.Emit(OpCodes.Ldsfld, table);
        il.Emit(OpCodes.Newobj, typeof(KeyBuilder).GetConstructor([typeof(byte*), typeof(int), typeof(MemoTable)])!);
        il.Emit(OpCodes.Stloc, key);

        // key.Add(data); key.Add(seed); key.Add((short)color)  -- an enum goes to its underlying type's overload
        EmitAdd(il, key, 0, typeof(byte[]));
        EmitAdd(il, key, 1, typeof(int));
        EmitAdd(il, key, 2, typeof(short));

        // if (table.TryGet(ref key, out result)) { key.Dispose(); return result; }
        il.Emit(OpCodes.Ldsfld, table);
        il.Emit(OpCodes.Ldloca, key);
        il.Emit(OpCodes.Ldloca, result);
        il.Emit(OpCodes.Callvirt, tableType.GetMethod(nameof(MemoTable<int>.TryGet))!);
        il.Emit(OpCodes.Brfalse, miss);
        il.Emit(OpCodes.Ldloca, key);
        il.Emit(OpCodes.Call, typeof(KeyBuilder).GetMethod(nameof(KeyBuilder.Dispose))!);
        il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);

        // result = original(...); table.Offer(ref key, result); key.Dispose(); return result;
        il.MarkLabel(miss);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Call, typeof(WeaverAbiTests).GetMethod(nameof(ChecksumOriginal))!);
        il.Emit(OpCodes.Stloc, result);
        il.Emit(OpCodes.Ldsfld, table);
        il.Emit(OpCodes.Ldloca, key);
        il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Callvirt, tableType.GetMethod(nameof(MemoTable<int>.Offer))!);
        il.Emit(OpCodes.Ldloca, key);
        il.Emit(OpCodes.Call, typeof(KeyBuilder).GetMethod(nameof(KeyBuilder.Dispose))!);
        il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);
        return method;
    }

    private static void EmitAdd(ILGenerator il, LocalBuilder key, short argument, Type overload)
    {
        il.Emit(OpCodes.Ldloca, key);
        il.Emit(OpCodes.Ldarg, argument);
        il.Emit(OpCodes.Call, typeof(KeyBuilder).GetMethod(nameof(KeyBuilder.Add), [overload])!);
    }
}
