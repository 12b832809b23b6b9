using System.Reflection;
using System.Runtime.Loader;
using Weaver.Engine.Pipeline;

namespace Weaver.Tests.Infrastructure;

/// <summary>Weaves test assemblies and loads them into isolated, collectible contexts.</summary>
public static class Woven
{
    /// <summary>Weaves <paramref name="dll"/> into a sibling <c>woven/</c> folder and returns the woven path; fails the test on any error.</summary>
    public static string Weave(string dll, GuardKinds guards = GuardKinds.All, IReadOnlyList<string>? memoize = null)
    {
        var output = Path.Combine(Path.GetDirectoryName(dll)!, "woven", Path.GetFileName(dll));
        var result = new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = output, Guards = guards, Memoize = memoize ?? [] });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        lock (All) All.Add(output);
        if (guards == GuardKinds.All)
        {
            // Every fully woven file of the tests must be one the host's load-time verifier accepts.
            var verdict = GuardRuntime.Verification.ModuleVerifier.Default.Verify(output);
            Assert.True(verdict.Accepted, string.Join("\n", verdict.Errors));
        }
        return output;
    }

    /// <summary>Every file <see cref="Weave"/> produced in this test run (the verifier/inspector agreement test walks them).</summary>
    public static readonly List<string> All = [];

    /// <summary>
    /// Loads <paramref name="path"/> into a new collectible context that shares the runtimes with the test, and binds
    /// it to its own assembly name, as a host would: its policy section is the one of that name. Tests load woven
    /// and unwoven twins, and rebuilds, under one name; a file whose name another live file holds stays unbound
    /// (default section only), exactly what a host's binding rules give it.
    /// </summary>
    public static Assembly Load(string path)
    {
        var assembly = LoadUnbound(path);
        // Only woven files register with the guard; an unwoven twin must not take the name.
        if (!assembly.GetManifestResourceNames().Contains(GuardRuntime.GuardManifest.ResourceName)) return assembly;
        try { GuardRuntime.ModuleBindings.Bind(assembly, assembly.GetName().Name!); }
        catch (GuardRuntime.ModuleIdentityException) { }
        return assembly;
    }

    /// <summary>Loads <paramref name="path"/> like <see cref="Load"/> without binding a name: the module gets the default section only.</summary>
    public static Assembly LoadUnbound(string path)
    {
        var context = new IsolatedContext(path);
        Contexts.Add(context);
        return context.LoadFromAssemblyPath(Path.GetFullPath(path));
    }

    // A collectible context nobody references is finalized and starts unloading at the next collection, even while
    // its assemblies run: a dependency loaded lazily after that (the red-team kernel, on a GC forced by a test running
    // in parallel) fails with "AssemblyLoadContext is unloading". Test contexts live for the test run.
    private static readonly System.Collections.Concurrent.ConcurrentBag<AssemblyLoadContext> Contexts = [];

    /// <summary>Calls a public static method <c>Type.Method</c> of <paramref name="assembly"/> and returns its result.</summary>
    public static object? Call(Assembly assembly, string typeAndMethod, params object?[] args)
    {
        var dot = typeAndMethod.LastIndexOf('.');
        var type = assembly.GetType(typeAndMethod[..dot], throwOnError: true)!;
        var method = type.GetMethod(typeAndMethod[(dot + 1)..], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                     ?? throw new MissingMethodException(type.FullName, typeAndMethod[(dot + 1)..]);
        try
        {
            return method.Invoke(null, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private sealed class IsolatedContext(string path) : AssemblyLoadContext("test-" + Path.GetFileName(path), isCollectible: true)
    {
        private readonly string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;

        protected override Assembly? Load(AssemblyName name)
        {
            if (GuardRuntime.Abi.AbiDescriptor.IsRuntimeAssembly(name.Name)) return null;
            var candidate = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
