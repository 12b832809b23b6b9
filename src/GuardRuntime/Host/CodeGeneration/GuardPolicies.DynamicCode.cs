namespace GuardRuntime;

public static partial class GuardPolicies
{
    /// <summary>
    /// Runs <paramref name="extend"/> under the policy lock and, when it grew the module's manifest, compiles the
    /// policy in force for the module again, so that a policy install or a region change can neither miss the new
    /// targets nor be overwritten by a compile against the policy it replaced.
    /// </summary>
    internal static T UnderLock<T>(ModuleGuard module, Func<(T Result, bool Grew)> extend)
    {
        lock (Gate)
        {
            var (result, grew) = extend();
            if (grew) ModuleRegistry.Recompile(module, Current, Regions.Current);
            return result;
        }
    }
}
