namespace KcrRuntime.Tests;

/// <summary>
/// Tests that flip <see cref="Kcr.Enabled"/> or invalidate every table run alone, after the
/// parallel tests, so they cannot disturb hit expectations elsewhere.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalStateCollection
{
    public const string Name = "KCR global state";
}
