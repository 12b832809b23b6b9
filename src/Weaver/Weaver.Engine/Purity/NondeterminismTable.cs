namespace Weaver.Engine.Purity;

/// <summary>
/// Framework members whose result depends on something other than their arguments: the clock, randomness, the
/// process environment, I/O, threads, the identity of objects. Consulted before the pure list, so that a pure type's
/// one impure member (<c>DateTime.Now</c>, <c>Guid.NewGuid</c>) is named with its reason.
/// </summary>
internal static class NondeterminismTable
{
    private const string Clock = "reads the clock";
    private const string Random = "returns random values";
    private const string Environment = "reads the process environment";
    private const string Io = "performs I/O";
    private const string Threads = "depends on threads or synchronises with them";
    private const string Identity = "depends on object identity (an allocation's address or hash), not on values";

    private static readonly MemberPattern[] Rows =
    [
        new("System.DateTime", "get_Now", Clock), new("System.DateTime", "get_UtcNow", Clock),
        new("System.DateTime", "get_Today", Clock), new("System.DateTime", "ToLocalTime", "reads the local time zone"),
        new("System.DateTime", "ToUniversalTime", "reads the local time zone"),
        new("System.DateTimeOffset", "get_Now", Clock), new("System.DateTimeOffset", "get_UtcNow", Clock),
        new("System.DateTimeOffset", "ToLocalTime", "reads the local time zone"),
        new("System.TimeZoneInfo", "*", "reads the system's time zones"),
        new("System.TimeProvider", "*", Clock), new("System.Diagnostics.Stopwatch", "*", Clock),
        new("System.Environment", "*", Environment), new("System.AppContext", "*", Environment),
        new("System.Globalization.CultureInfo", "get_Current*", "reads the current culture"),
        new("System.Globalization.CultureInfo", "get_InstalledUICulture", "reads the current culture"),
        new("System.Globalization.NumberFormatInfo", "get_CurrentInfo", "reads the current culture"),
        new("System.Globalization.DateTimeFormatInfo", "get_CurrentInfo", "reads the current culture"),
        new("System.Random", "*", Random), new("System.Guid", "NewGuid", Random), new("System.Guid", "CreateVersion7", Random),
        new("System.Security.Cryptography.RandomNumberGenerator", "*", Random),
        new("System.HashCode", "*", "is seeded randomly per process"),
        // A row without a reason is an exception to the rows below it: the non-cryptographic hashes read only their input.
        new("System.IO.Hashing.*", "*"),
        new("System.IO.*", "*", Io), new("System.Console", "*", Io), new("System.Net.*", "*", Io),
        new("System.Diagnostics.*", "*", "reads or writes process diagnostics"),
        new("System.Threading.*", "*", Threads), new("System.GC", "*", "depends on the garbage collector"),
        new("System.WeakReference*", "*", "depends on the garbage collector"),
        new("System.Object", "ReferenceEquals", Identity), new("System.Object", "GetHashCode", Identity),
        new("System.Object", "Equals", Identity), new("System.Object", "MemberwiseClone", Identity),
        new("System.Runtime.CompilerServices.RuntimeHelpers", "GetHashCode", Identity),
        new("System.Runtime.CompilerServices.RuntimeHelpers", "Equals", Identity),
        new("System.Runtime.CompilerServices.ConditionalWeakTable`2", "*", Identity),
        new("System.Runtime.InteropServices.GCHandle", "*", Identity),
        new("System.Runtime.CompilerServices.Unsafe", "AreSame", Identity),
        new("System.Runtime.CompilerServices.Unsafe", "ByteOffset", Identity),
        new("System.Runtime.CompilerServices.Unsafe", "IsAddress*", Identity),
        new("System.Runtime.InteropServices.NativeMemory", "*", "allocates unmanaged memory whose address it returns"),
        new("System.Runtime.InteropServices.Marshal", "AllocHGlobal", "allocates unmanaged memory whose address it returns"),
        new("System.Buffers.ArrayPool`1", "*", "shares pooled arrays with other callers"),
        new("System.Reflection.*", "*", "inspects or invokes code by reflection"),
        new("System.Activator", "*", "creates objects by reflection"),
        new("System.Type", "GetType", "looks types up by name at run time"),
    ];

    /// <summary>Why <c>type.member</c> is not a function of its arguments, or null when this table has nothing on it.</summary>
    public static string? Reason(string type, string member, string parameters)
    {
        foreach (var row in Rows)
            if (row.Matches(type, member, parameters)) return row.Reason;
        return null;
    }
}
