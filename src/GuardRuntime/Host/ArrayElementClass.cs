namespace GuardRuntime;

/// <summary>
/// Names the storage class of an array element the way the weaver names array targets. IL stores elements by
/// width (<c>stelem.i4</c> serves <c>int[]</c>, <c>uint[]</c> and int-based enums alike), so a protected array is
/// matched to targets by class, not by exact type.
/// </summary>
public static class ArrayElementClass
{
    /// <summary>The class name of a target whose element type the weaver could not know (an open generic parameter).</summary>
    public const string Unknown = "?";

    /// <summary>The class of elements stored with <c>stelem.ref</c>.</summary>
    public const string Reference = "ref";

    /// <summary>The class name for an element type: <c>i1 i2 i4 i8 r4 r8 i ref</c>, or the full name of a struct.</summary>
    public static string Of(Type elementType)
    {
        if (elementType.IsEnum) elementType = Enum.GetUnderlyingType(elementType);
        if (!elementType.IsValueType) return Reference;
        return Type.GetTypeCode(elementType) switch
        {
            TypeCode.Boolean or TypeCode.Byte or TypeCode.SByte => "i1",
            TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Char => "i2",
            TypeCode.Int32 or TypeCode.UInt32 => "i4",
            TypeCode.Int64 or TypeCode.UInt64 => "i8",
            TypeCode.Single => "r4",
            TypeCode.Double => "r8",
            _ when elementType == typeof(nint) || elementType == typeof(nuint) || elementType.IsPointer => "i",
            _ => elementType.IsGenericType ? elementType.GetGenericTypeDefinition().FullName ?? elementType.Name : elementType.FullName ?? elementType.Name,
        };
    }

    /// <summary>Whether a store to a target of class <paramref name="targetClass"/> can write into an array of <paramref name="elementType"/>.</summary>
    public static bool CanWrite(string targetClass, Type elementType) =>
        targetClass == Unknown || targetClass == Of(elementType);
}
