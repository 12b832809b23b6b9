using System.Collections.Concurrent;
using System.IO.Hashing;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace Weaver.Benchmarks.Kcr;

/// <summary>
/// A buffer-content cache key as a careful user would write it: a 64-bit content hash for the bucket and the bytes
/// themselves for equality (never a hash-only match). Lookups use the caller's buffer; stored keys own a copy.
/// </summary>
public readonly struct ContentKey : IEquatable<ContentKey>
{
    private readonly byte[] data;
    private readonly ulong hash;

    private ContentKey(byte[] data, ulong hash)
    {
        this.data = data;
        this.hash = hash;
    }

    /// <summary>A key over <paramref name="data"/> (not copied: for lookups).</summary>
    public static ContentKey Probe(byte[] data) => new(data, XxHash3.HashToUInt64(data));

    /// <summary>A key that owns a copy of this key's bytes (for inserts: the caller may reuse its buffer).</summary>
    public ContentKey Own() => new((byte[])data.Clone(), hash);

    /// <inheritdoc/>
    public bool Equals(ContentKey other) => hash == other.hash && data.AsSpan().SequenceEqual(other.data);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ContentKey other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)hash ^ (int)(hash >> 32);
}

/// <summary>A memo a user would write around a pure <c>byte[] → TResult</c> function.</summary>
public abstract class HandMemo<TResult>(Func<byte[], TResult> compute, Func<TResult, TResult> copy)
{
    /// <summary>Capacity: KCR's L3 size, so that the comparison is at equal memory.</summary>
    public const int Capacity = 4096;

    /// <summary>The function.</summary>
    protected Func<byte[], TResult> Compute { get; } = compute;

    /// <summary>Copies an array result (hits return a private copy, as KCR does); identity for values.</summary>
    protected Func<TResult, TResult> Copy { get; } = copy;

    /// <summary>The memoized call.</summary>
    public abstract TResult Call(byte[] input);
}

/// <summary><c>ConcurrentDictionary</c>, cleared when full (the usual bound in hand-written code).</summary>
public sealed class DictionaryMemo<TResult>(Func<byte[], TResult> compute, Func<TResult, TResult> copy) : HandMemo<TResult>(compute, copy)
{
    private readonly ConcurrentDictionary<ContentKey, TResult> map = new();
    private int count;

    /// <inheritdoc/>
    public override TResult Call(byte[] input)
    {
        var key = ContentKey.Probe(input);
        if (map.TryGetValue(key, out var hit)) return Copy(hit);
        var result = Compute(input);
        if (Interlocked.Increment(ref count) > Capacity)
        {
            map.Clear();
            count = 0;
        }
        map.TryAdd(key.Own(), Copy(result));
        return result;
    }
}

/// <summary><c>Microsoft.Extensions.Caching.Memory.MemoryCache</c> with a size limit of <see cref="HandMemo{T}.Capacity"/> entries.</summary>
public sealed class MemoryCacheMemo<TResult>(Func<byte[], TResult> compute, Func<TResult, TResult> copy) : HandMemo<TResult>(compute, copy), IDisposable
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Capacity });
    private readonly MemoryCacheEntryOptions entry = new() { Size = 1 };

    /// <inheritdoc/>
    public override TResult Call(byte[] input)
    {
        var key = ContentKey.Probe(input);
        if (cache.TryGetValue(key, out TResult? hit)) return Copy(hit!);
        var result = Compute(input);
        cache.Set(key.Own(), Copy(result), entry);
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => cache.Dispose();
}

/// <summary>BitFaster.Caching's <c>ConcurrentLru</c> of <see cref="HandMemo{T}.Capacity"/> entries.</summary>
public sealed class LruMemo<TResult>(Func<byte[], TResult> compute, Func<TResult, TResult> copy) : HandMemo<TResult>(compute, copy)
{
    private readonly ConcurrentLru<ContentKey, TResult> lru = new(Capacity);

    /// <inheritdoc/>
    public override TResult Call(byte[] input)
    {
        var key = ContentKey.Probe(input);
        if (lru.TryGet(key, out var hit)) return Copy(hit);
        var result = Compute(input);
        lru.AddOrUpdate(key.Own(), Copy(result));
        return result;
    }
}
