using System.Reflection;
using System.Text;

namespace GuardRuntime;

/// <summary>
/// The description of a woven module that the weaver embeds as a managed resource: its targets and its sites.
/// The runtime reads it once, when the module registers, and the load-time verifier reads it with the same parser,
/// so the two can never disagree about what a (possibly crafted) manifest says.
/// </summary>
/// <remarks>
/// Binary format <see cref="CurrentFormat"/>, all integers unsigned LEB128 (7 bits a byte, at most 5 bytes):
/// the magic <c>WGM</c>, the format, a string table (count, then each string as its UTF-8 byte count and bytes),
/// the module, weaver version and options hash, the targets (count, then kind, name, assembly each) and the sites
/// (count, then method, IL offset, document, line, target id each). A string is its table index plus one, 0 for
/// null; ids are positions. Nothing may follow the last site.
/// </remarks>
public sealed class GuardManifest
{
    /// <summary>The name of the managed resource that holds the manifest in a woven assembly.</summary>
    public const string ResourceName = "Weaver.GuardManifest.bin";

    /// <summary>The manifest format version this runtime reads.</summary>
    public const int CurrentFormat = 2;

    /// <summary>The manifest format version.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The simple name of the woven assembly.</summary>
    public string Module { get; init; } = "";

    /// <summary>The version of the weaver that wove the module.</summary>
    public string WeaverVersion { get; init; } = "";

    /// <summary>A hash of the options the module was woven with.</summary>
    public string OptionsHash { get; init; } = "";

    /// <summary>Every target of the module, indexed by id.</summary>
    public IReadOnlyList<GuardTarget> Targets { get; init; } = [];

    /// <summary>Every guarded site of the module, indexed by id.</summary>
    public IReadOnlyList<GuardSite> Sites { get; init; } = [];

    private static ReadOnlySpan<byte> Magic => "WGM"u8;
    private static readonly UTF8Encoding Utf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Serializes the manifest in the binary format (used by the weaver).</summary>
    public byte[] ToBytes()
    {
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        int S(string? s)
        {
            if (s is null) return 0;
            if (!strings.TryGetValue(s, out int i)) { strings.Add(s, i = order.Count); order.Add(s); }
            return i + 1;
        }
        var body = new List<int> { S(Module), S(WeaverVersion), S(OptionsHash), Targets.Count };
        for (int i = 0; i < Targets.Count; i++)
        {
            var t = Targets[i];
            if (t.Id != i) throw new InvalidOperationException($"Guard manifest target {i} has id {t.Id}.");
            body.AddRange([(int)t.Kind, S(t.Name), S(t.Assembly)]);
        }
        body.Add(Sites.Count);
        for (int i = 0; i < Sites.Count; i++)
        {
            var s = Sites[i];
            if (s.Id != i) throw new InvalidOperationException($"Guard manifest site {i} has id {s.Id}.");
            body.AddRange([S(s.Method), s.ILOffset, S(s.Document), s.Line, s.TargetId]);
        }
        using var buffer = new MemoryStream();
        buffer.Write(Magic);
        Write(buffer, CurrentFormat);
        Write(buffer, order.Count);
        foreach (var s in order)
        {
            var bytes = Utf8.GetBytes(s);
            Write(buffer, bytes.Length);
            buffer.Write(bytes);
        }
        foreach (var v in body) Write(buffer, v);
        return buffer.ToArray();
    }

    private static void Write(Stream to, int value)
    {
        if (value < 0) throw new InvalidOperationException($"A guard manifest number is negative ({value}).");
        uint v = (uint)value;
        for (; v >= 0x80; v >>= 7) to.WriteByte((byte)(v | 0x80));
        to.WriteByte((byte)v);
    }

    /// <summary>Reads a manifest from its binary form; throws <see cref="InvalidDataException"/> when it is malformed.</summary>
    public static GuardManifest FromBytes(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        if (!data.StartsWith(Magic)) throw Bad("does not start with the guard manifest magic");
        r.At = Magic.Length;
        if (r.Int() is var format && format != CurrentFormat)
            throw Bad($"has format {format}, this runtime reads {CurrentFormat}");
        var strings = new string[r.Count(1)];
        for (int i = 0; i < strings.Length; i++) strings[i] = r.Utf8(r.Count(1));
        string? Str(ref Reader r) =>
            r.Int() is var i && i == 0 ? null : (uint)(i - 1) < (uint)strings.Length ? strings[i - 1]
            : throw Bad($"names string {i}, which does not exist");
        string Required(ref Reader r) => Str(ref r) ?? throw Bad("has a null where a string is required");
        string module = Required(ref r), version = Required(ref r), options = Required(ref r);
        var targets = new GuardTarget[r.Count(3)];
        for (int i = 0; i < targets.Length; i++)
        {
            int kind = r.Int();
            if (kind > byte.MaxValue || !Enum.IsDefined((TargetKind)(byte)kind)) throw Bad($"gives target {i} the unknown kind {kind}");
            targets[i] = new GuardTarget(i, (TargetKind)kind, Required(ref r), Str(ref r));
        }
        var sites = new GuardSite[r.Count(5)];
        for (int i = 0; i < sites.Length; i++)
        {
            string method = Required(ref r);
            int offset = r.Int();
            string? document = Str(ref r);
            int line = r.Int(), target = r.Int();
            if ((uint)target >= (uint)targets.Length) throw Bad($"gives site {i} the target {target}, which does not exist");
            sites[i] = new GuardSite(i, method, offset, document, line, target);
        }
        if (r.At != data.Length) throw Bad("has bytes after its last site");
        return new GuardManifest
        {
            Module = module, WeaverVersion = version, OptionsHash = options, Targets = targets, Sites = sites,
        };
    }

    private static InvalidDataException Bad(string what) => new($"The guard manifest is malformed: it {what}.");

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        public int At;

        // Non-negative int32 in at most 5 bytes; a truncated or oversized number is malformed.
        public int Int()
        {
            uint v = 0;
            for (int shift = 0; shift < 35; shift += 7)
            {
                if (At >= data.Length) throw Bad("ends early");
                byte b = data[At++];
                v |= (uint)(b & 0x7f) << shift;
                if (b < 0x80) return shift == 28 && b > 7 || v > int.MaxValue ? throw Bad("has a number out of range")
                    : (int)v;
            }
            throw Bad("has a number longer than 5 bytes");
        }

        // A count of items of at least minBytes each: never more than the bytes left, so no crafted count allocates.
        public int Count(int minBytes) =>
            Int() is var n && n <= (data.Length - At) / minBytes ? n : throw Bad("has a count larger than its data");

        public string Utf8(int length)
        {
            var bytes = data.Slice(At, length);
            At += length;
            try { return GuardManifest.Utf8.GetString(bytes); }
            catch (DecoderFallbackException) { throw Bad("has a string that is not UTF-8"); }
        }
    }

    /// <summary>Reads the manifest embedded in a woven assembly, or returns null when it has none.</summary>
    public static GuardManifest? FromAssembly(Assembly assembly)
    {
        using var stream = assembly.GetManifestResourceStream(ResourceName);
        if (stream is null) return null;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return FromBytes(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }
}
