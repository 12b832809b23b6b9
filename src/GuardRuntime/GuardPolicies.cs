namespace GuardRuntime;

/// <summary>
/// The policy in force for every woven module. Installing a policy compiles it for each registered module and
/// publishes each result with one reference write: a store sees the old or the new policy, never a mix.
/// </summary>
public static class GuardPolicies
{
    private static readonly object Gate = new();
    private static Policy current = Policy.AllowAll;

    static GuardPolicies() => Regions.Changed += _ =>
    {
        lock (Gate) ModuleRegistry.RecompileAll(current, Regions.Current); // the newest set, whatever order events arrive in
    };

    /// <summary>The policy in force.</summary>
    public static Policy Current => Volatile.Read(ref current);

    /// <summary>Replaces the policy for every module, now and for modules registered later.</summary>
    public static void Install(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (Gate)
        {
            Volatile.Write(ref current, policy);
            ModuleRegistry.RecompileAll(policy, Regions.Current);
        }
    }
}
