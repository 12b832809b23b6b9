using KcrSamples;

namespace KcrRuntime.Tests;

public sealed record ImmutablePoint(int X, string Label);

public sealed record RecordWithArray(int[] Values);

public sealed class MutableBox
{
    public int Value;
}

/// <summary>Which results can be cached, and that mutable ones are never shared.</summary>
public sealed class ResultTypeTests
{
    [Fact]
    public void Array_results_are_copied_on_insert_and_on_every_hit()
    {
        MemoTable<byte[]> table = TestTables.Serving<byte[]>("Arrays");
        byte[] Get() => TestTables.Call(table, (ref KeyBuilder k) => k.Add(1), () => [1, 2, 3]);

        byte[] computed = Get();
        computed[0] = 99; // the caller owns what it got
        byte[] hit1 = Get();
        Assert.Equal(new byte[] { 1, 2, 3 }, hit1);
        hit1[1] = 99;
        byte[] hit2 = Get();
        Assert.Equal(new byte[] { 1, 2, 3 }, hit2);
        Assert.NotSame(hit1, hit2);
        Assert.Equal(2, table.GetStatistics().L2Hits);
    }

    [Fact]
    public void Sample_copy_kernel_never_shares_buffers()
    {
        byte[] source = [4, 5, 6];
        byte[] a = HandWovenKernels.CopyBuffer(source);
        byte[] b = HandWovenKernels.CopyBuffer(source);
        Assert.NotSame(source, a);
        Assert.NotSame(a, b);
        a[0] = 0;
        Assert.Equal(source, HandWovenKernels.CopyBuffer(source));
    }

    [Fact]
    public void Mutating_an_argument_after_the_call_changes_the_key()
    {
        MemoTable<int> table = TestTables.Serving<int>("ArgMutation");
        byte[] data = [1, 2];
        Assert.Equal(3, TestTables.Call(table, (ref KeyBuilder k) => k.Add(data), () => data.Sum(b => b)));
        data[0] = 10;
        Assert.Equal(12, TestTables.Call(table, (ref KeyBuilder k) => k.Add(data), () => data.Sum(b => b)));
    }

    [Fact]
    public void Immutable_results_are_accepted()
    {
        _ = TestTables.Serving<string>("Str");
        _ = TestTables.Serving<ImmutablePoint>("Record");
        _ = TestTables.Serving<(string, int)>("Tuple");
        _ = TestTables.Serving<double[]>("DoubleArray");
        _ = TestTables.Serving<Guid>("Guid");
        _ = TestTables.Serving<int?>("Nullable");
    }

    [Theory]
    [InlineData(typeof(List<int>))]
    [InlineData(typeof(object))]
    [InlineData(typeof(MutableBox))]
    [InlineData(typeof(RecordWithArray))]
    [InlineData(typeof(int[][]))]
    [InlineData(typeof(string[]))]
    [InlineData(typeof(IEnumerable<int>))]
    public void Results_that_could_be_mutated_are_rejected_at_registration(Type resultType)
    {
        var create = typeof(TestTables).GetMethod(nameof(TestTables.Serving), System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!
            .MakeGenericMethod(resultType);
        var ex = Assert.Throws<System.Reflection.TargetInvocationException>(() => create.Invoke(null, ["Rejected", -1, -1, -1]));
        NotSupportedException inner = Assert.IsType<NotSupportedException>(ex.InnerException);
        Assert.Contains("KCR cannot memoize", inner.Message);
    }
}
