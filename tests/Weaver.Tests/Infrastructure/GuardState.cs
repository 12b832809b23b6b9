using GuardRuntime;

namespace Weaver.Tests.Infrastructure;

/// <summary>Tests that install policies or regions share global runtime state and run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GuardStateCollection
{
    public const string Name = "Guard runtime state";
}

/// <summary>Installs a policy for the duration of a test and restores allow-all (and no regions) afterwards.</summary>
public sealed class PolicyScope : IDisposable
{
    private PolicyScope() { }

    public static PolicyScope Install(Policy policy)
    {
        GuardPolicies.Install(policy);
        return new PolicyScope();
    }

    public void Dispose()
    {
        GuardPolicies.Install(Policy.AllowAll);
        Regions.Clear();
    }
}
