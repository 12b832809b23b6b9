namespace GuardRuntime;

/// <summary>
/// Names the framework member a code-generation shim stands in for. The weaver redirects a module's call to that
/// member (same parameters; an instance member's receiver first) to the shim, with the module's handle appended; the
/// host's emitted-code and expression-tree rewriters redirect emitted calls the same way. One table, read by both
/// (<c>GuardRuntime.CodeGeneration.ShimCatalogue</c>), so the two cannot drift.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
internal sealed class ReplacesAttribute(Type declaringType, string member) : Attribute
{
    /// <summary>The framework type that declares the member (open generic for <c>Expression&lt;TDelegate&gt;</c>).</summary>
    public Type DeclaringType { get; } = declaringType;

    /// <summary>The member's metadata name (<c>.ctor</c> for a constructor).</summary>
    public string Member { get; } = member;
}
