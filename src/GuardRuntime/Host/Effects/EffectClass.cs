namespace GuardRuntime.Effects;

/// <summary>What a framework member does to the memory a module hands it (its receiver, arguments and what they reach).</summary>
internal enum EffectClass : byte
{
    /// <summary>
    /// Writes nothing it receives. <c>ref</c>/<c>out</c>, <c>Span&lt;T&gt;</c> and <c>Memory&lt;T&gt;</c> arguments are
    /// still checked by address whatever the class (a reviewer cannot forget them).
    /// </summary>
    ReadOnly,
    /// <summary>
    /// Invokes delegates or virtual members of objects it is given (LINQ, <c>List.Sort(Comparison)</c>, <c>ToString</c>):
    /// the callback is woven module code, or a host method whose delegate was call-checked where it was bound.
    /// </summary>
    CallsBack,
    /// <summary>Writes its receiver (a collection, a builder): the receiver is checked as a whole-object write.</summary>
    WritesReceiver,
    /// <summary>Writes the destinations named by its <see cref="EffectRule.Extents"/>, each checked before the call.</summary>
    WritesArguments,
    /// <summary>Writes by reflection, generates or loads code, or forges references: refused at weave time.</summary>
    Reflective,
    /// <summary>Writes where no check can bound the extent (scatter stores, typed references, raw object offsets): refused.</summary>
    Refused,
    /// <summary>
    /// Frees or reallocates memory it is given. With extents, the block is checked like a write (a block in a protected
    /// range is refused at run time: host memory); without, the call is refused at weave time.
    /// </summary>
    FreesOrReallocates,
}
