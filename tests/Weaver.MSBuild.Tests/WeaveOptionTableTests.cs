using System.Reflection;
using TypeAttributes = Mono.Cecil.TypeAttributes;
using FieldAttributes = Mono.Cecil.FieldAttributes;
using MethodAttributes = Mono.Cecil.MethodAttributes;
using System.Text.RegularExpressions;
using Microsoft.Build.Utilities;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Options;
using Weaver.MSBuild.Tests.Infrastructure;

namespace Weaver.MSBuild.Tests;

/// <summary>
/// One options model: every row of <see cref="WeaveOptionTable"/> is a <c>weaver weave</c> option and a WeaveTask
/// parameter that the targets pass from its documented MSBuild property, and the CLI has no weave option the table
/// lacks (but its own input, -o, -q and --help). Both front ends bind the rows through one binder, shown here end to
/// end on <c>AllowUnchecked</c>, which the MSBuild integration once could not pass at all.
/// </summary>
public sealed class WeaveOptionTableTests : IDisposable
{
    private static readonly string Root = Metadata("RepositoryRoot");
    private static readonly string Configuration = Metadata("BuildConfiguration");
    private static string BuildFolder => Path.Combine(Root, "src", "Weaver", "Weaver.MSBuild", "build");
    private static string WeaverDll => Path.Combine(Root, "src", "Weaver", "Weaver.Cli", "bin", Configuration, "net10.0", "weaver.dll");

    private readonly string folder = Directory.CreateTempSubdirectory("weaver-options-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string> Rows()
    {
        var data = new TheoryData<string>();
        foreach (var spec in WeaveOptionTable.All) data.Add(spec.Name);
        return data;
    }

    private static WeaveOptionSpec Row(string name) => WeaveOptionTable.All.Single(s => s.Name == name);

    [Theory]
    [MemberData(nameof(Rows))]
    public void Every_row_is_a_task_parameter_passed_by_the_targets_from_its_documented_property(string name)
    {
        var spec = Row(name);
        var property = typeof(WeaveTask).GetProperty(spec.TaskParameter, BindingFlags.Public | BindingFlags.Instance);
        Assert.True(property is { CanWrite: true }, $"WeaveTask has no settable parameter {spec.TaskParameter}");
        Assert.Contains(property!.PropertyType, spec.Kind == WeaveOptionKind.List ? [typeof(string[])] : new[] { typeof(string), typeof(bool) });

        var targets = File.ReadAllText(Path.Combine(BuildFolder, "Weaver.MSBuild.targets"));
        var passed = Regex.Match(targets, $@"\b{spec.TaskParameter}=""\$\((?<p>[A-Za-z_]+)\)""");
        Assert.True(passed.Success, $"the targets do not pass {spec.TaskParameter} to WeaveTask");
        // Passed as the property itself, or as the targets' normalised copy of it (a full path).
        var source = passed.Groups["p"].Value;
        Assert.True(source == spec.MSBuildProperty || Regex.IsMatch(targets, $@"<{source}\b[^>]*>[^<]*\$\({spec.MSBuildProperty}\)"),
            $"{spec.TaskParameter} is passed $({source}), which does not come from $({spec.MSBuildProperty})");
        // An option is an input of the build: changing it re-weaves (the options file), and it is documented.
        Assert.Matches($@"_WeaverOptionLine Include=""[^""]*\$\(({spec.MSBuildProperty}|{source})", targets);
        Assert.Contains(spec.MSBuildProperty, File.ReadAllText(Path.Combine(BuildFolder, "Weaver.MSBuild.props")));
    }

    [Fact]
    public void The_CLI_weave_command_has_exactly_the_rows_of_the_table_and_its_own_input_output_and_quiet()
    {
        var help = Cli("weave", "--help");
        Assert.Equal(0, help.ExitCode);
        var listed = Regex.Matches(help.Output, @"^\s+((?:-[\w?]+, )*--[\w-]+)", RegexOptions.Multiline)
            .SelectMany(m => m.Groups[1].Value.Split(", ")).ToHashSet();
        foreach (var spec in WeaveOptionTable.All)
        {
            Assert.Contains(spec.CliName, listed);
            if (spec.CliAlias is { } alias) Assert.Contains(alias, listed);
            Assert.Contains($"(MSBuild: {spec.MSBuildProperty})", help.Output);
        }
        string[] own = ["--output", "-o", "--quiet", "-q", "--help", "-h", "-?"];
        var table = WeaveOptionTable.All.SelectMany(s => s.CliAlias is { } a ? new[] { s.CliName, a } : [s.CliName]);
        Assert.Empty(listed.Except(table).Except(own));
    }

    [Theory]
    [InlineData("weave")]
    [InlineData("inspect")]
    [InlineData("verify")]
    [InlineData("policy")]
    [InlineData("policy", "check")]
    [InlineData("policy", "show")]
    [InlineData("stats")]
    public void Every_command_has_help(params string[] command)
    {
        var help = Cli([.. command, "--help"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("Usage:", help.Output);
        Assert.Contains($"weaver {string.Join(' ', command)}", help.Output);
    }

    [Fact]
    public void AllowUnchecked_binds_the_same_through_the_task_and_the_CLI()
    {
        var module = ModuleCallingEnvironmentExit();

        // Default: refused by both front ends.
        var (refused, refusedLog) = Task(module);
        Assert.False(refused.Execute());
        Assert.Contains(refusedLog.Errors, e => e.Code == "WVR0010" && e.Message!.Contains("System.Environment::Exit"));
        var cliRefused = Cli("weave", module, "-o", Path.Combine(folder, "cli-refused.dll"));
        Assert.Equal(1, cliRefused.ExitCode);
        Assert.Contains("error WVR0010", cliRefused.Output);

        // Allowed: woven with a warning by both.
        var (allowed, allowedLog) = Task(module);
        allowed.AllowUnchecked = ["System.Environment::Exit"];
        Assert.True(allowed.Execute(), string.Join("\n", allowedLog.Errors.Select(e => e.Message!)));
        Assert.Contains(allowedLog.Warnings, w => w.Code == "WVR0011");
        Assert.True(allowed.Woven);
        var cliAllowed = Cli("weave", ModuleCallingEnvironmentExit(), "-o", Path.Combine(folder, "cli-allowed.dll"),
            "--allow-unchecked", "System.Environment::Exit");
        Assert.True(cliAllowed.ExitCode == 0, cliAllowed.ToString());
        Assert.Contains("warning WVR0011", cliAllowed.Output);
    }

    [Fact]
    public void Bad_values_are_reported_all_at_once_with_the_front_end_s_own_spelling()
    {
        var module = ModuleCallingEnvironmentExit();
        var (task, log) = Task(module);
        task.Guards = "fields,stores";
        task.Symbols = "maybe";
        Assert.False(task.Execute());
        Assert.Equal(2, log.Errors.Count);
        Assert.Contains(log.Errors, e => e.Code == "WVR0009" && e.Message!.StartsWith("WeaverGuards:"));
        Assert.Contains(log.Errors, e => e.Code == "WVR0009" && e.Message!.StartsWith("WeaverSymbols:"));

        var cli = Cli("weave", module, "--guards", "fields,stores", "--policy", Path.Combine(folder, "none.json"));
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("error WVR0009: --guards: unknown kind 'stores'", cli.Output);
        Assert.Contains("error WVR2015", cli.Output);
    }

    [Fact]
    public void Symbols_false_writes_no_PDB_through_either_front_end()
    {
        var module = ModuleCallingEnvironmentExit(withPdb: true);
        var output = Path.Combine(folder, "nosym", "out.dll");
        var cli = Cli("weave", module, "-o", output, "--symbols", "false", "--allow-unchecked", "*");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.False(File.Exists(Path.ChangeExtension(output, ".pdb")));
    }

    private (WeaveTask Task, RecordingBuildEngine Log) Task(string assembly)
    {
        // The task weaves in place: give it its own copy.
        var copy = Path.Combine(folder, $"task-{Guid.NewGuid():N}", Path.GetFileName(assembly));
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(assembly, copy);
        var engine = new RecordingBuildEngine();
        return (new WeaveTask { BuildEngine = engine, Assembly = new TaskItem(copy) }, engine);
    }

    private static ProcessResult Cli(params string[] arguments)
    {
        Assert.True(File.Exists(WeaverDll), $"{WeaverDll} is not built");
        return ProcessRunner.Run(ProcessRunner.Dotnet, [WeaverDll, .. arguments], Path.GetTempPath(), timeout: TimeSpan.FromMinutes(2));
    }

    // A module written with Cecil (this project has no compiler): Exit() { Environment.Exit(1); }, plus a field store.
    private string ModuleCallingEnvironmentExit(bool withPdb = false)
    {
        var name = "OptionsModule" + Guid.NewGuid().ToString("N")[..8];
        var path = Path.Combine(folder, name, name + ".dll");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var assembly = AssemblyDefinition.CreateAssembly(new AssemblyNameDefinition(name, new Version(1, 0)), name, ModuleKind.Dll);
        var module = assembly.MainModule;
        var type = new TypeDefinition("Options", "Module", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed,
            module.TypeSystem.Object);
        module.Types.Add(type);
        var counter = new FieldDefinition("Count", FieldAttributes.Public | FieldAttributes.Static, module.TypeSystem.Int32);
        type.Fields.Add(counter);
        var exit = new MethodDefinition("Exit", MethodAttributes.Public | MethodAttributes.Static, module.TypeSystem.Void);
        type.Methods.Add(exit);
        var il = exit.Body.GetILProcessor();
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Stsfld, counter);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Call, module.ImportReference(typeof(Environment).GetMethod(nameof(Environment.Exit))));
        il.Emit(OpCodes.Ret);
        if (withPdb)
        {
            var document = new Document(Path.Combine(folder, "Module.cs"));
            exit.DebugInformation.SequencePoints.Add(new SequencePoint(exit.Body.Instructions[0], document) { StartLine = 1, EndLine = 1, StartColumn = 1, EndColumn = 2 });
        }
        assembly.Write(path, new WriterParameters { WriteSymbols = withPdb, SymbolWriterProvider = withPdb ? new PortablePdbWriterProvider() : null });
        return path;
    }

    private static string Metadata(string key) =>
        typeof(WeaveOptionTableTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
