namespace KcrRuntime.Tests;

/// <summary>Invalidation by API, by name and through static-field dependencies.</summary>
public sealed class InvalidationTests
{
    [Fact]
    public void Invalidate_table_forces_recomputation()
    {
        MemoTable<int> table = TestTables.Serving<int>("Invalidate");
        int version = 1;
        int Get() => TestTables.Call(table, (ref KeyBuilder k) => k.Add("x"), () => version);

        Assert.Equal(1, Get());
        version = 2;
        Assert.Equal(1, Get()); // cached, as promised by [Memoize]
        Kcr.Invalidate(table);
        Assert.Equal(2, Get());
        Assert.Equal(1, table.GetStatistics().Invalidations);
        Assert.Equal(1, table.Epoch);
    }

    [Fact]
    public void Invalidate_by_method_name()
    {
        MemoTable<int> table = TestTables.Serving<int>("ByName");
        int version = 1;
        int Get() => TestTables.Call(table, (ref KeyBuilder k) => k.Add(0), () => version);

        Assert.Equal(1, Get());
        version = 2;
        Assert.Equal(1, Kcr.Invalidate(table.MethodName));
        Assert.Equal(2, Get());
        Assert.Equal(0, Kcr.Invalidate("No.Such::Method()"));
    }

    [Fact]
    public void Writing_a_static_dependency_invalidates_only_its_readers()
    {
        string field = $"System.Int32 Tests.Statics::s_scale{Guid.NewGuid():N}";
        MemoTable<int> reader = TestTables.Serving<int>("Reader");
        MemoTable<int> bystander = TestTables.Serving<int>("Bystander");
        reader.DependsOn(field);
        int scale = 10;
        int Scaled(int n) => TestTables.Call(reader, (ref KeyBuilder k) => k.Add(n), () => n * scale);
        int Plain(int n) => TestTables.Call(bystander, (ref KeyBuilder k) => k.Add(n), () => n + 1);

        Assert.Equal(30, Scaled(3));
        Assert.Equal(4, Plain(3));

        scale = 100;                         // the woven store...
        Kcr.InvalidateDependents(field);     // ...followed by the call the guard weaver emits

        Assert.Equal(300, Scaled(3));
        TestTables.Call(bystander, (ref KeyBuilder k) => k.Add(3), () => -1, out bool bystanderHit);
        Assert.True(bystanderHit);
        Assert.Equal(1, Kcr.GetDependency(field).DependentCount);
    }

    [Fact]
    public void Cached_dependency_object_invalidates_without_a_name_lookup()
    {
        string field = $"System.String Tests.Statics::s_prefix{Guid.NewGuid():N}";
        StaticDependency dependency = Kcr.GetDependency(field);
        MemoTable<string> table = TestTables.Serving<string>("Prefix");
        table.DependsOn(field);
        string prefix = "a";
        string Get() => TestTables.Call(table, (ref KeyBuilder k) => k.Add("x"), () => prefix + "x");

        Assert.Equal("ax", Get());
        prefix = "b";
        dependency.Invalidate();
        Assert.Equal("bx", Get());
        Assert.Same(dependency, Kcr.GetDependency(field));
    }

    [Fact]
    public void Invalidating_an_unknown_field_is_a_no_op()
    {
        Kcr.InvalidateDependents($"nobody reads {Guid.NewGuid()}");
    }
}
