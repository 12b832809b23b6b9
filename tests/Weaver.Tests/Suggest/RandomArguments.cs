using System.Reflection;
using System.Text;

namespace Weaver.Tests.Suggest;

/// <summary>
/// Seeded random arguments for a method called by reflection: numbers (small, so that keys repeat and the cache is
/// hit), strings from a pool, byte and int arrays, enums over their defined values, dates and times, and unmanaged
/// structs with random fields. A parameter of a type it cannot make (a span, a ref struct) makes the method unexercised.
/// </summary>
internal sealed class RandomArguments(int seed)
{
    private static readonly string[] Words =
    [
        "", "a", "the quick brown fox", "Hello, World", "MCMXCIV", "12345", "x|y|z", "| a | b |\n|---|---|", "über café",
        "some words to truncate at a length", "CamelCaseString", "snake_case_string", "  padded  ", "Tab\tand\nnewline",
    ];

    private const string Characters = "aZ 9|-\t.\u00e9\u05d0\u4e2d";

    private readonly Random random = new(seed);

    /// <summary>Whether every parameter of <paramref name="method"/> can be produced.</summary>
    public static bool CanMake(MethodInfo method) => method.GetParameters().All(p => CanMake(p.ParameterType));

    private static bool CanMake(Type type) =>
        !type.IsByRef && !type.IsByRefLike && !type.IsPointer
        && (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
            || type == typeof(TimeSpan) || type == typeof(DateTimeOffset) || type == typeof(TimeOnly) || type == typeof(DateOnly)
            || type == typeof(Rune) || type.IsArray && type.GetElementType()!.IsPrimitive
            || type.IsValueType && Unmanaged(type, 0) && Nullable.GetUnderlyingType(type) is null);

    private static bool Unmanaged(Type type, int depth) =>
        type.IsPrimitive || type.IsEnum || type.IsPointer
        || depth < 8 && type.IsValueType && !type.IsByRefLike
           && type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).All(f => Unmanaged(f.FieldType, depth + 1));

    /// <summary>One argument list for <paramref name="method"/>.</summary>
    public object?[] For(MethodInfo method) => method.GetParameters().Select(p => Make(p.ParameterType)).ToArray();

    private object? Make(Type type)
    {
        if (type == typeof(int)) return random.Next(-3, 40);
        if (type == typeof(long)) return (long)random.Next(-3, 40) * (random.Next(2) == 0 ? 1 : 1_000_003);
        if (type == typeof(uint)) return (uint)random.Next(0, 40);
        if (type == typeof(ulong)) return (ulong)random.Next(0, 40);
        if (type == typeof(short)) return (short)random.Next(-3, 40);
        if (type == typeof(ushort)) return (ushort)random.Next(0, 40);
        if (type == typeof(byte)) return (byte)random.Next(0, 256);
        if (type == typeof(sbyte)) return (sbyte)random.Next(-5, 40);
        if (type == typeof(bool)) return random.Next(2) == 0;
        if (type == typeof(char)) return Characters[random.Next(Characters.Length)];
        if (type == typeof(double)) return random.Next(-4, 30) / 4.0;
        if (type == typeof(float)) return random.Next(-4, 30) / 4.0f;
        if (type == typeof(decimal)) return random.Next(-4, 30) / 4m;
        if (type == typeof(nint)) return (nint)random.Next(0, 40);
        if (type == typeof(nuint)) return (nuint)random.Next(0, 40);
        if (type == typeof(string)) return Words[random.Next(Words.Length)];
        if (type == typeof(DateTime)) return new DateTime(2000 + random.Next(30), 1 + random.Next(12), 1 + random.Next(28), random.Next(24), random.Next(60), 0);
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset((DateTime)Make(typeof(DateTime))!, TimeSpan.FromHours(random.Next(-5, 6)));
        if (type == typeof(TimeSpan)) return TimeSpan.FromMinutes(random.Next(0, 5000));
        if (type == typeof(TimeOnly)) return new TimeOnly(random.Next(24), random.Next(60));
        if (type == typeof(DateOnly)) return new DateOnly(2000 + random.Next(30), 1 + random.Next(12), 1 + random.Next(28));
        if (type == typeof(Rune)) return new Rune(Characters[random.Next(Characters.Length)]);
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.Length == 0 ? Activator.CreateInstance(type) : values.GetValue(random.Next(values.Length));
        }
        if (type.IsArray)
        {
            var array = Array.CreateInstance(type.GetElementType()!, random.Next(0, 6));
            for (int i = 0; i < array.Length; i++) array.SetValue(Make(type.GetElementType()!), i);
            return array;
        }
        // An unmanaged struct: random primitive fields, all the way down.
        var value = Activator.CreateInstance(type)!;
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            field.SetValue(value, Make(field.FieldType));
        return value;
    }
}
