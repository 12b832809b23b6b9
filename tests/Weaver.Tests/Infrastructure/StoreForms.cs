using System.Reflection;
using GuardRuntime;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Weaver.Tests.Infrastructure;

/// <summary>
/// The store-forms program (<see cref="StoreFormsSource"/>) compiled once in Release and once in Debug, each woven once,
/// shared by every test of the process (compiling and weaving are the slow part; loading a copy is cheap).
/// </summary>
public sealed class StoreForms
{
    /// <summary>The assembly (and policy module) name of the Release build.</summary>
    public const string Module = "StoreForms";

    private static readonly Lazy<StoreForms> Release = new(() => new StoreForms(Module, optimize: true));
    private static readonly Lazy<StoreForms> Debug = new(() => new StoreForms(Module + "Debug", optimize: false));

    /// <summary>The Release build (the IL a shipped module has).</summary>
    public static StoreForms Optimized => Release.Value;

    /// <summary>The Debug build (nops, extra locals and branches, different sequence points).</summary>
    public static StoreForms Unoptimized => Debug.Value;

    private StoreForms(string name, bool optimize)
    {
        Name = name;
        UnwovenPath = SnippetCompiler.Compile(StoreFormsSource.Text, name, optimize);
        WovenPath = Woven.Weave(UnwovenPath);
        Unwoven = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(UnwovenPath)), new ReaderParameters { ReadingMode = ReadingMode.Immediate });
        WovenModule = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(WovenPath)), new ReaderParameters { ReadingMode = ReadingMode.Immediate });
    }

    public string Name { get; }
    public string UnwovenPath { get; }
    public string WovenPath { get; }

    /// <summary>The compiler's IL, to check that a test really exercises the store form it claims to.</summary>
    public ModuleDefinition Unwoven { get; }

    /// <summary>The woven IL.</summary>
    public ModuleDefinition WovenModule { get; }

    /// <summary>Fresh copies of the unwoven and woven assemblies, each in its own context (so no static state is shared between tests).</summary>
    public (Assembly Unwoven, Assembly Woven) LoadPair() => (Woven.Load(UnwovenPath), Woven.Load(WovenPath));

    /// <summary>The unwoven body of <c>type::method</c> (type by Cecil full name, nested with '/').</summary>
    public MethodDefinition UnwovenMethod(string type, string method) => Find(Unwoven, type, method);

    /// <summary>The woven body of <c>type::method</c>.</summary>
    public MethodDefinition WovenMethod(string type, string method) => Find(WovenModule, type, method);

    private static MethodDefinition Find(ModuleDefinition module, string type, string method)
    {
        var t = module.GetTypes().SingleOrDefault(x => x.FullName == type) ?? throw new InvalidOperationException($"no type {type}");
        return t.Methods.SingleOrDefault(m => m.Name == method) ?? throw new InvalidOperationException($"no method {type}::{method}");
    }
}

/// <summary>Assertions on IL and on violations.</summary>
public static class Expect
{
    /// <summary>Asserts that <paramref name="method"/> contains <paramref name="code"/> (with an operand whose text contains <paramref name="operand"/>); returns the instructions.</summary>
    public static List<Instruction> IL(MethodDefinition method, Code code, string? operand = null)
    {
        var hits = method.Body.Instructions.Where(i => i.OpCode.Code == code && (operand is null || (i.Operand?.ToString() ?? "").Contains(operand, StringComparison.Ordinal))).ToList();
        Assert.True(hits.Count > 0, $"expected {code.ToString().ToLowerInvariant()} {operand} in {method.FullName}; the compiler emitted:\n{string.Join("\n", method.Body.Instructions)}");
        return hits;
    }

    /// <summary>Asserts that every store <paramref name="code"/> in <paramref name="wovenMethod"/> is preceded by a guard call.</summary>
    public static void Guarded(MethodDefinition wovenMethod, Code code, string guard)
    {
        foreach (var store in IL(wovenMethod, code))
        {
            var p = store.Previous;
            while (p is not null && p.OpCode.Code != Code.Call) p = p.Previous;
            Assert.True(p?.Operand is MethodReference { DeclaringType.FullName: "GuardRuntime.Guard" } m && m.Name == guard,
                $"{code} at IL_{store.Offset:x4} of {wovenMethod.FullName} is not guarded by Guard.{guard}:\n{string.Join("\n", wovenMethod.Body.Instructions)}");
        }
    }

    /// <summary>All instructions some branch, switch arm or handler boundary of <paramref name="method"/> targets.</summary>
    public static HashSet<Instruction> Targets(MethodDefinition method)
    {
        var set = new HashSet<Instruction>();
        foreach (var i in method.Body.Instructions)
        {
            if (i.Operand is Instruction t) set.Add(t);
            if (i.Operand is Instruction[] ts) set.UnionWith(ts);
        }
        foreach (var h in method.Body.ExceptionHandlers)
        {
            set.Add(h.TryStart); set.Add(h.HandlerStart);
            if (h.FilterStart is not null) set.Add(h.FilterStart);
        }
        return set;
    }

    /// <summary>
    /// Runs <paramref name="act"/>, expecting a guard violation (possibly wrapped by a type initializer or a task), and
    /// checks that it names <paramref name="what"/> (a field target or region name), the method and the source line.
    /// </summary>
    public static GuardViolationException Violation(Action act, string what, string method, string? file, int line)
    {
        Exception? thrown = null;
        try { act(); }
        catch (Exception e) { thrown = e; }
        Assert.NotNull(thrown);
        var e2 = thrown;
        while (e2 is not GuardViolationException && e2?.InnerException is not null) e2 = e2.InnerException;
        if (e2 is not GuardViolationException violation) throw new Xunit.Sdk.XunitException($"expected a GuardViolationException, got {thrown}");
        Assert.Contains(what, violation.Message);
        Assert.Contains(method, violation.Message);
        if (file is null)
        {
            Assert.Null(violation.Violation.Site.Document); // no symbols: no line, and the message says so by omission
        }
        else
        {
            Assert.Contains($"{file}:{line})", violation.Message);
            Assert.Equal(line, violation.Violation.Site.Line);
        }
        Assert.StartsWith(method, violation.Violation.Site.Method);
        return violation;
    }
}

/// <summary>Policies confined to one module, so that they cannot touch woven code of tests running in parallel.</summary>
public static class Deny
{
    public static Policy Rules(string module, params PolicyRule[] rules) => new()
    {
        Modules = [new ModuleSection { Module = module, Section = new PolicySection { Rules = rules } }],
    };

    public static Policy Field(string module, string field) => Rules(module, new PolicyRule(RuleSelector.Field, field, GuardAction.Throw));

    public static Policy Region(string module, string region) => Rules(module, new PolicyRule(RuleSelector.Region, region, GuardAction.Throw));
}

/// <summary>Reflection over loaded test assemblies.</summary>
public static class Reflect
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;

    /// <summary>The value of static field <c>Type.Field</c>.</summary>
    public static object? Static(Assembly assembly, string typeAndField)
    {
        var dot = typeAndField.LastIndexOf('.');
        var type = assembly.GetType(typeAndField[..dot], throwOnError: true)!;
        return type.GetField(typeAndField[(dot + 1)..], All)!.GetValue(null);
    }

    /// <summary>The value of instance field <paramref name="field"/> of <paramref name="instance"/>.</summary>
    public static object? Get(object instance, string field) => instance.GetType().GetField(field, All)!.GetValue(instance);
}
