namespace KcrRuntime.Tests;

/// <summary>Different argument lists must never produce equal key bytes.</summary>
public sealed class KeyInjectivityTests
{
    [Fact]
    public void String_boundaries_are_part_of_the_key()
    {
        Assert.NotEqual(
            TestTables.Encode((ref KeyBuilder k) => { k.Add("ab"); k.Add("c"); }),
            TestTables.Encode((ref KeyBuilder k) => { k.Add("a"); k.Add("bc"); }));
    }

    [Fact]
    public void Array_boundaries_are_part_of_the_key()
    {
        Assert.NotEqual(
            TestTables.Encode((ref KeyBuilder k) => { k.Add(new byte[] { 1 }); k.Add(Array.Empty<byte>()); }),
            TestTables.Encode((ref KeyBuilder k) => { k.Add(Array.Empty<byte>()); k.Add(new byte[] { 1 }); }));
    }

    [Fact]
    public void Null_is_distinct_from_empty()
    {
        Assert.NotEqual(TestTables.Encode((ref KeyBuilder k) => k.Add((byte[]?)null)), TestTables.Encode((ref KeyBuilder k) => k.Add(Array.Empty<byte>())));
        Assert.NotEqual(TestTables.Encode((ref KeyBuilder k) => k.Add((string?)null)), TestTables.Encode((ref KeyBuilder k) => k.Add("")));
        Assert.NotEqual(TestTables.Encode((ref KeyBuilder k) => k.Add((int[]?)null)), TestTables.Encode((ref KeyBuilder k) => k.Add(Array.Empty<int>())));
    }

    [Fact]
    public void Same_value_in_different_types_is_distinct()
    {
        byte[] int1 = TestTables.Encode((ref KeyBuilder k) => k.Add(1));
        Assert.NotEqual(int1, TestTables.Encode((ref KeyBuilder k) => k.Add(1L)));
        Assert.NotEqual(int1, TestTables.Encode((ref KeyBuilder k) => k.Add(1u)));
        Assert.NotEqual(int1, TestTables.Encode((ref KeyBuilder k) => k.Add(1.0f)));
        Assert.NotEqual(
            TestTables.Encode((ref KeyBuilder k) => k.Add(true)),
            TestTables.Encode((ref KeyBuilder k) => k.Add((byte)1)));
        Assert.NotEqual(
            TestTables.Encode((ref KeyBuilder k) => k.Add(new[] { 1 })),
            TestTables.Encode((ref KeyBuilder k) => k.Add(new byte[] { 1, 0, 0, 0 })));
        Assert.NotEqual(
            TestTables.Encode((ref KeyBuilder k) => k.Add(new byte[] { 1, 2 })),
            TestTables.Encode((ref KeyBuilder k) => k.Add(new byte[] { 1, 2 }.AsSpan())));
        Assert.NotEqual(
            TestTables.Encode((ref KeyBuilder k) => k.Add("ab")),
            TestTables.Encode((ref KeyBuilder k) => k.Add("ab".ToCharArray())));
    }

    [Fact]
    public void Random_argument_lists_encode_equal_exactly_when_equal()
    {
        // Each argument list is drawn from a small alphabet so that equal lists recur; a
        // canonical description is the ground truth for equality.
        var random = new Random(1234);
        var byEncoding = new Dictionary<string, string>();
        var byDescription = new Dictionary<string, string>();
        for (int i = 0; i < 3000; i++)
        {
            var parts = new List<(int Kind, int Value)>();
            int count = random.Next(0, 4);
            for (int j = 0; j < count; j++)
            {
                parts.Add((random.Next(0, 6), random.Next(-1, 3)));
            }

            string description = string.Join("|", parts.Select(p => $"{p.Kind}:{p.Value}"));
            string encoding = Convert.ToHexString(TestTables.Encode((ref KeyBuilder k) =>
            {
                foreach ((int kind, int value) in parts)
                {
                    AddArgument(ref k, kind, value);
                }
            }));

            if (byEncoding.TryGetValue(encoding, out string? seen))
            {
                Assert.Equal(seen, description);
            }

            if (byDescription.TryGetValue(description, out string? encoded))
            {
                Assert.Equal(encoded, encoding);
            }

            byEncoding[encoding] = description;
            byDescription[description] = encoding;
        }

        Assert.True(byEncoding.Count > 100);
    }

    private static void AddArgument(ref KeyBuilder key, int kind, int value)
    {
        switch (kind)
        {
            case 0: key.Add(value); break;
            case 1: key.Add((long)value); break;
            case 2: key.Add(value < 0 ? null : new string('a', value)); break;
            case 3: key.Add(value < 0 ? null : new byte[value]); break;
            case 4: key.Add(value < 0 ? null : Enumerable.Repeat((short)1, value).ToArray()); break;
            default: key.Add((byte)(value & 0xFF)); break;
        }
    }
}
