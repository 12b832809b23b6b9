using GuardRuntime;
using System.Runtime.InteropServices;

namespace Kernel.Pci;

/// <summary>One coherent DMA allocation: a window of the shared DMA arena owned by one device or module.</summary>
/// <param name="Address">The CPU address of the first byte.</param>
/// <param name="Length">The length in bytes (a multiple of the page size).</param>
/// <param name="Owner">Who asked for it, e.g. <c>nic0</c> or <c>blk0</c>.</param>
/// <param name="Label">What it is for, e.g. <c>tx-ring</c>.</param>
[ModuleExport]
public readonly record struct DmaWindow(nint Address, nuint Length, string Owner, string Label)
{
    /// <summary>The bus address devices use (the arena is identity-mapped, as with no IOMMU).</summary>
    public ulong BusAddress => (ulong)Address;

    /// <summary>One past the last byte.</summary>
    public nint End => Address + (nint)Length;

    /// <summary>The window's bytes.</summary>
    public unsafe Span<byte> AsSpan() => new((void*)Address, checked((int)Length));
}

/// <summary>
/// Hands out page-aligned windows of ONE unmanaged arena (<c>dma_alloc_coherent</c>). Like memblock it allocates
/// top-down, so a new window sits directly below the previous one: writing one byte past the end of your window
/// lands in whoever allocated just before you. Freed windows are reused first-fit.
/// </summary>
public sealed unsafe class DmaAllocator : IDisposable
{
    /// <summary>The allocation granule.</summary>
    public const int PageSize = 4096;

    private readonly List<DmaWindow> live = [];
    // The module that allocated each window (null: the kernel), so that only it may free the window.
    private readonly Dictionary<DmaWindow, System.Reflection.Assembly?> owners = [];
    private readonly List<(nint Address, nuint Length)> holes = [];
    private byte* arena;
    private nuint top;

    /// <summary>Reserves an arena of <paramref name="size"/> bytes.</summary>
    public DmaAllocator(nuint size)
    {
        size = AlignUp(size);
        arena = (byte*)NativeMemory.AlignedAlloc(size, PageSize);
        NativeMemory.Clear(arena, size);
        Size = size;
        top = size;
    }

    /// <summary>The arena base address.</summary>
    public nint ArenaBase => (nint)arena;

    /// <summary>The arena size.</summary>
    public nuint Size { get; }

    /// <summary>The live windows, most recent last.</summary>
    [ModuleExport]
    public IReadOnlyList<DmaWindow> Windows => live.ToArray(); // a copy: knowing a window is not owning it (see Free)

    /// <summary>Raised after a window is allocated (the host registers regions from it).</summary>
    public event Action<DmaWindow>? Allocated;

    /// <summary>Allocates a zeroed window of at least <paramref name="length"/> bytes.</summary>
    /// <exception cref="OutOfMemoryException">The arena is exhausted.</exception>
    [ModuleExport]
    public DmaWindow Allocate(nuint length, string owner, string label)
    {
        ObjectDisposedException.ThrowIf(arena is null, this);
        length = AlignUp(length == 0 ? 1 : length);
        nint address = 0;
        for (int i = 0; i < holes.Count; i++)
        {
            if (holes[i].Length < length) continue;
            // Take the top of the hole so reuse keeps the top-down adjacency property.
            address = holes[i].Address + (nint)(holes[i].Length - length);
            holes[i] = (holes[i].Address, holes[i].Length - length);
            if (holes[i].Length == 0) holes.RemoveAt(i);
            break;
        }
        if (address == 0)
        {
            if (top < length) throw new OutOfMemoryException($"DMA arena exhausted: {length} bytes wanted, {top} left.");
            top -= length;
            address = (nint)(arena + top);
        }
        NativeMemory.Clear((void*)address, length);
        var window = new DmaWindow(address, length, owner, label);
        owners[window] = CallingModules.Innermost();
        live.Add(window);
        Allocated?.Invoke(window);
        return window;
    }

    /// <summary>Returns a window to the arena.</summary>
    [ModuleExport]
    public void Free(DmaWindow window)
    {
        if (!live.Contains(window)) throw new InvalidOperationException($"DMA window {window.Owner}/{window.Label} is not live.");
        CallingModules.RequireOwner(owners.GetValueOrDefault(window), $"free DMA window {window.Owner}/{window.Label}");
        live.Remove(window);
        owners.Remove(window);
        holes.Add((window.Address, window.Length));
    }

    /// <summary>Whether <c>[busAddress, busAddress + length)</c> lies inside one live window (the IOMMU check devices make).</summary>
    [ModuleExport]
    public bool IsMapped(ulong busAddress, int length)
    {
        foreach (var w in live)
            if (busAddress >= w.BusAddress && busAddress + (ulong)length <= w.BusAddress + w.Length) return true;
        return false;
    }

    /// <summary>The live window containing <paramref name="address"/>, if any.</summary>
    [ModuleExport]
    public DmaWindow? FindWindow(nint address)
    {
        foreach (var w in live)
            if (address >= w.Address && address < w.End) return w;
        return null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (arena is null) return;
        NativeMemory.AlignedFree(arena);
        arena = null;
        live.Clear();
    }

    private static nuint AlignUp(nuint n) => (n + PageSize - 1) & ~(nuint)(PageSize - 1);
}
