using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KcrRuntime;

/// <summary>
/// How results of type <typeparamref name="T"/> are stored, handed out and compared.
/// </summary>
/// <remarks>
/// The rule (checked once, when a table is created):
/// <list type="bullet">
/// <item>Value types without object references (int, double, unmanaged structs): stored and
/// returned by value; compared bit for bit during learning.</item>
/// <item><see cref="string"/>, and value types or <em>sealed</em> classes whose instance fields
/// are all read-only and themselves of an allowed immutable kind (records with init-only
/// properties qualify): shared, compared with <see cref="EqualityComparer{T}.Default"/> (a class
/// without value equality therefore never passes learning, which is safe).</item>
/// <item>Single-dimensional arrays of unmanaged elements (<c>byte[]</c>, <c>int[]</c>, ...):
/// copied when inserted and copied again on every hit, so a caller can never mutate a cached
/// result or see another caller's mutation; compared by content.</item>
/// <item>Anything else (object, interfaces, lists, mutable classes, arrays of references):
/// rejected with <see cref="NotSupportedException"/> when the table is created.</item>
/// </list>
/// </remarks>
/// <typeparam name="T">Result type.</typeparam>
internal abstract class ResultPolicy<T>
{
    /// <summary>True when values must be copied on insert and on hit.</summary>
    internal abstract bool CopiesValues { get; }

    /// <summary>Returns a copy that nobody else references (identity when values are not copied).</summary>
    internal virtual T Copy(T value) => value;

    /// <summary>Heap bytes a stored result holds beyond the entry itself (an estimate for the byte budgets).</summary>
    internal virtual long HeapBytes(T value) => value switch
    {
        null => 0,
        string text => 22 + (2L * text.Length),
        _ => RuntimeHelpers.IsReferenceOrContainsReferences<T>() ? 64 : 0,
    };

    /// <summary>Equality used by determinism learning.</summary>
    internal abstract bool AreEqual(T left, T right);
}

/// <summary>Unmanaged values: by value, compared bit for bit (so -0.0 and 0.0 are different results).</summary>
internal sealed class BitwiseResultPolicy<T> : ResultPolicy<T>
{
    internal override bool CopiesValues => false;

    internal override bool AreEqual(T left, T right) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, byte>(ref left), Unsafe.SizeOf<T>())
            .SequenceEqual(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, byte>(ref right), Unsafe.SizeOf<T>()));
}

/// <summary>Immutable values and objects: shared, compared with the default equality comparer.</summary>
internal sealed class SharedResultPolicy<T> : ResultPolicy<T>
{
    internal override bool CopiesValues => false;

    internal override bool AreEqual(T left, T right) => EqualityComparer<T>.Default.Equals(left, right);
}

/// <summary>Arrays of unmanaged elements: copied in and out, compared by content.</summary>
internal sealed class ArrayResultPolicy<TElement> : ResultPolicy<TElement[]?>
    where TElement : unmanaged
{
    internal override bool CopiesValues => true;

    internal override TElement[]? Copy(TElement[]? value) => value is null ? null : (TElement[])value.Clone();

    internal override long HeapBytes(TElement[]? value) => value is null ? 0 : 24 + ((long)value.Length * Unsafe.SizeOf<TElement>());

    internal override bool AreEqual(TElement[]? left, TElement[]? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        return MemoryMarshal.AsBytes(new ReadOnlySpan<TElement>(left)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<TElement>(right)));
    }
}

/// <summary>Chooses the policy for a result type, or explains why the type cannot be memoized.</summary>
internal static class ResultPolicy
{
    internal static ResultPolicy<T> For<T>(string methodName)
    {
        Type type = typeof(T);
        if (!RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            return new BitwiseResultPolicy<T>();
        }

        if (type.IsSZArray && IsUnmanaged(type.GetElementType()!))
        {
            Type policy = typeof(ArrayResultPolicy<>).MakeGenericType(type.GetElementType()!);
            return (ResultPolicy<T>)Activator.CreateInstance(policy, nonPublic: true)!;
        }

        if (IsImmutable(type, new HashSet<Type>(), out string? reason))
        {
            return new SharedResultPolicy<T>();
        }

        throw new NotSupportedException(
            $"KCR cannot memoize {methodName}: its result type {type} could be mutated by a caller after being cached ({reason}). " +
            "Supported results: unmanaged values, string, arrays of unmanaged elements (copied on insert and hit), " +
            "and value types or sealed classes whose fields are all read-only and of these kinds (e.g. records with init-only properties).");
    }

    /// <summary>True for types with no object references anywhere (what C# calls unmanaged).</summary>
    internal static bool IsUnmanaged(Type type)
    {
        if (type.IsPrimitive || type.IsEnum || type.IsPointer || type.IsFunctionPointer)
        {
            return true;
        }

        if (!type.IsValueType || type.IsByRefLike)
        {
            return false;
        }

        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (!IsUnmanaged(field.FieldType))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when no code holding a value of <paramref name="type"/> can change what it observes.</summary>
    private static bool IsImmutable(Type type, HashSet<Type> inProgress, out string? reason)
    {
        reason = null;
        if (type == typeof(string) || IsUnmanaged(type) || !inProgress.Add(type))
        {
            return true; // A type already being checked is judged by the rest of its fields.
        }

        if (type.IsArray)
        {
            reason = $"{type} is an array that would have to be deep-copied";
            return false;
        }

        if (!type.IsValueType && !type.IsSealed)
        {
            reason = $"{type} is not sealed, so a derived instance could carry mutable state";
            return false;
        }

        if (type.IsInterface || type.IsAbstract || typeof(Delegate).IsAssignableFrom(type))
        {
            reason = $"{type} is an interface, abstract type or delegate";
            return false;
        }

        for (Type? current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            foreach (FieldInfo field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                // A value-type field is copied with its container, so it need not be read-only itself
                // when the container is a struct; class fields must be read-only.
                if (!type.IsValueType && !field.IsInitOnly)
                {
                    reason = $"field {current}.{field.Name} is not read-only";
                    return false;
                }

                if (!IsImmutable(field.FieldType, inProgress, out reason))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
