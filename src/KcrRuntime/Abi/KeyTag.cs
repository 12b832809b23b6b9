namespace KcrRuntime;

/// <summary>
/// First byte of every argument in a key. Each tag fixes how many bytes follow it (a fixed size,
/// or a 4-byte element count followed by count × element size bytes), so a key is a prefix-free
/// sequence and two different argument lists can never encode to the same bytes.
/// </summary>
internal enum KeyTag : byte
{
    Bool = 1,
    Byte,
    SByte,
    Int16,
    UInt16,
    Char,
    Int32,
    UInt32,
    Int64,
    UInt64,
    IntPtr,
    UIntPtr,
    Single,
    Double,
    Decimal,
    Blittable,

    // Variable-length kinds: tag, int32 count (-1 = null), then the raw element bytes.
    String = 32,
    BoolArray,
    ByteArray,
    SByteArray,
    Int16Array,
    UInt16Array,
    CharArray,
    Int32Array,
    UInt32Array,
    Int64Array,
    UInt64Array,
    SingleArray,
    DoubleArray,
    BlittableArray,
    ByteSpan,
    ByteMemory,
    BlittableSpan,
}
