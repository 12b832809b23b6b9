using System.Reflection;

namespace GuardRuntime.Tests;

/// <summary>The host names modules: a name belongs to one file at a time, and a binding is released by its owner.</summary>
public sealed class ModuleBindingTests : GuardTest
{
    private static readonly string ShaA = new('a', 64);
    private static readonly string ShaB = new('b', 64);

    // Any loaded assemblies serve as module stand-ins: binding does not run their code.
    private static readonly Assembly First = typeof(Xunit.FactAttribute).Assembly;
    private static readonly Assembly Second = typeof(System.Text.Json.JsonDocument).Assembly;

    [Fact]
    public void A_name_bound_to_one_file_is_refused_to_another_and_free_again_after_release()
    {
        using (var first = ModuleBindings.Bind(First, "nic-driver", ShaA))
        {
            Assert.Equal("nic-driver", ModuleBindings.Of(First)!.Name);
            var e = Assert.Throws<ModuleIdentityException>(() => ModuleBindings.Bind(Second, "nic-driver", ShaB));
            Assert.Contains("'nic-driver' is already bound to a different file", e.Message);
            Assert.Contains(ShaA, e.Message);
            Assert.Null(ModuleBindings.Of(Second));
        }
        Assert.Null(ModuleBindings.Of(First));
        using var second = ModuleBindings.Bind(Second, "nic-driver", ShaB);
        Assert.Equal(ShaB, ModuleBindings.Of(Second)!.Sha256);
    }

    [Fact]
    public void The_same_file_may_hold_a_name_twice_but_an_assembly_has_one_name()
    {
        using var first = ModuleBindings.Bind(First, "twice", ShaA);
        using var second = ModuleBindings.Bind(Second, "twice", ShaA.ToUpperInvariant());
        Assert.Equal(2, ModuleBindings.Current.Count(b => b.Name == "twice"));
        var e = Assert.Throws<ModuleIdentityException>(() => ModuleBindings.Bind(First, "other", ShaA));
        Assert.Contains("already bound to the name 'twice'", e.Message);
    }

    [Fact]
    public void The_host_name_wins_over_the_assembly_name_for_reports()
    {
        using var binding = ModuleBindings.Bind(First, "eth-test", ShaA);
        Assert.NotEqual("eth-test", binding.AssemblyName);
        Assert.Equal(First.GetName().Name, binding.AssemblyName);
        Assert.Contains("eth-test = ", binding.ToString());
    }
}
