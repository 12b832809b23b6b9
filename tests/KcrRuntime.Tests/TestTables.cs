namespace KcrRuntime.Tests;

/// <summary>Fills a key the way woven code does, argument by argument.</summary>
internal delegate void KeyFiller(ref KeyBuilder key);

/// <summary>Creates uniquely named tables and runs calls through them exactly as woven code would.</summary>
internal static class TestTables
{
    private static int s_counter;

    internal static string UniqueName(string hint) => $"Tests.{hint}::M{Interlocked.Increment(ref s_counter)}()";

    /// <summary>A table that serves at once (no learning), so hit/miss tests are short.</summary>
    internal static MemoTable<T> Serving<T>(string hint, int maxKeyBytes = -1, int l2 = -1, int l3 = -1) =>
        new(UniqueName(hint), KcrOptions.Create(0, maxKeyBytes, l2, l3));

    internal static MemoTable<T> Learning<T>(string hint, int confirmations) =>
        new(UniqueName(hint), KcrOptions.Create(confirmations, -1, -1, -1));

    /// <summary>The woven call sequence: build key, TryGet, original, Offer, Dispose.</summary>
    internal static T Call<T>(MemoTable<T> table, KeyFiller fill, Func<T> original, out bool hit)
    {
        var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], table);
        fill(ref key);
        if (table.TryGet(ref key, out T result))
        {
            key.Dispose();
            hit = true;
            return result;
        }

        result = original();
        table.Offer(ref key, result);
        key.Dispose();
        hit = false;
        return result;
    }

    internal static T Call<T>(MemoTable<T> table, KeyFiller fill, Func<T> original) => Call(table, fill, original, out _);

    /// <summary>The encoded key bytes for the arguments <paramref name="fill"/> adds.</summary>
    internal static byte[] Encode(KeyFiller fill, MemoTable? table = null)
    {
        table ??= s_encodingTable;
        var key = new KeyBuilder(stackalloc byte[16], table); // small on purpose: exercises spilling
        fill(ref key);
        Assert.True(key.IsActive, "key should be active (is KCR switched off by another test?)");
        byte[] bytes = key.Written.ToArray();
        key.Dispose();
        return bytes;
    }

    private static readonly MemoTable<int> s_encodingTable = Serving<int>("Encoding", maxKeyBytes: 1 << 20);
}
