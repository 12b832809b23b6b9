// Compiled into every outside attack (never into Weaver.Tests): what the attack does and what the guard should do.
namespace OutsideRedTeam;

/// <summary>What the weaver or the runtime should do to the attack.</summary>
public enum Expect
{
    /// <summary>The weaver refuses the module (an error WVRxxxx at weave time).</summary>
    Refused = 0,
    /// <summary>A guard stops the write at run time and the kernel state is unchanged.</summary>
    Stopped = 1,
    /// <summary>Either is acceptable.</summary>
    Either = 2,
}

/// <summary>Marks a hostile module of the outside red team.</summary>
[System.AttributeUsage(System.AttributeTargets.Class)]
public sealed class AttackAttribute : System.Attribute
{
    public AttackAttribute(string what, Expect expect) { What = what; Expectation = expect; }

    public string What { get; }

    public Expect Expectation { get; }
}
