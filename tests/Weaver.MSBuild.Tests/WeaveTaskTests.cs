using Microsoft.Build.Utilities;
using Weaver.Engine.Pipeline;
using Weaver.MSBuild.Tests.Infrastructure;

namespace Weaver.MSBuild.Tests;

/// <summary>The task alone, with a recording build engine: option parsing and how diagnostics reach MSBuild.</summary>
public sealed class WeaveTaskTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("weaver-task-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(null, GuardKinds.All)]
    [InlineData("", GuardKinds.All)]
    [InlineData("all", GuardKinds.All)]
    [InlineData("none", GuardKinds.None)]
    [InlineData("fields", GuardKinds.Fields)]
    [InlineData("Fields, Statics", GuardKinds.Fields | GuardKinds.Statics)]
    [InlineData("arrays;indirect", GuardKinds.Arrays | GuardKinds.Indirect)]
    public void Guards_parse(string? text, GuardKinds expected)
    {
        Assert.True(WeaveTask.TryParseGuards(text, out var kinds, out _));
        Assert.Equal(expected, kinds);
    }

    [Fact]
    public void An_unknown_guard_kind_is_an_error_WVR0009()
    {
        var (task, engine) = Create(Path.Combine(folder, "missing.dll"));
        task.Guards = "fields,stores";

        Assert.False(task.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal("WVR0009", error.Code);
        Assert.Contains("stores", error.Message);
    }

    [Fact]
    public void A_broken_policy_is_logged_with_its_code_file_line_and_column_and_nothing_is_woven()
    {
        var policy = Path.Combine(folder, "policy.json");
        File.WriteAllText(policy, "{\n  \"default\": {\n    \"rules\": [ { \"field\": \"A.B::C\", \"action\": \"explode\" } ]\n  }\n}\n");
        var (task, engine) = Create(Path.Combine(folder, "missing.dll"));
        task.Policy = policy;

        Assert.False(task.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal("WVR2006", error.Code);
        Assert.Equal(policy, error.File);
        Assert.Equal(3, error.LineNumber);
        Assert.True(error.ColumnNumber > 0);
        Assert.DoesNotContain(engine.Errors, e => e.Code == "WVR0001"); // it stopped before weaving
    }

    [Fact]
    public void A_missing_policy_file_is_an_error()
    {
        var (task, engine) = Create(Path.Combine(folder, "missing.dll"));
        task.Policy = Path.Combine(folder, "nope.json");

        Assert.False(task.Execute());
        Assert.Equal("WVR2015", Assert.Single(engine.Errors).Code);
    }

    [Fact]
    public void A_missing_assembly_is_the_engine_error_WVR0001()
    {
        var (task, engine) = Create(Path.Combine(folder, "missing.dll"));

        Assert.False(task.Execute());
        Assert.Equal("WVR0001", Assert.Single(engine.Errors).Code);
        Assert.False(task.Woven);
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_fails_and_is_left_as_it_was()
    {
        var path = Path.Combine(folder, "notes.dll");
        File.WriteAllText(path, "not a PE file");
        var (task, engine) = Create(path);

        Assert.False(task.Execute());
        Assert.Equal("WVR0002", Assert.Single(engine.Errors).Code);
        Assert.Equal("not a PE file", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    private static (WeaveTask Task, RecordingBuildEngine Engine) Create(string assembly)
    {
        var engine = new RecordingBuildEngine();
        var task = new WeaveTask { BuildEngine = engine, Assembly = new TaskItem(assembly) };
        return (task, engine);
    }
}
