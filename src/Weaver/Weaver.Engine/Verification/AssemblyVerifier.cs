using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Weaver.Engine.Verification;

/// <summary>A method that the JIT refused, or that could not be prepared.</summary>
public sealed record VerificationFailure(string Method, string Error);

/// <summary>What <c>weaver verify</c> found.</summary>
public sealed record VerificationResult(int Prepared, int Skipped, IReadOnlyList<VerificationFailure> Failures, IReadOnlyList<string> SkippedMethods);

/// <summary>
/// Loads an assembly into a collectible context and forces the JIT over every method body
/// (<see cref="RuntimeHelpers.PrepareMethod(RuntimeMethodHandle)"/>), generic ones closed over arguments that satisfy
/// their constraints. Invalid IL surfaces as <see cref="InvalidProgramException"/> and is reported per method.
/// </summary>
/// <remarks>Invalid IL can crash the process in rare cases, so callers run this in a child process (the CLI does).</remarks>
public static class AssemblyVerifier
{
    /// <summary>Verifies the assembly at <paramref name="path"/>, resolving references from its folder and <paramref name="referencePaths"/>.</summary>
    public static VerificationResult Verify(string path, IReadOnlyList<string> referencePaths)
    {
        var context = new VerificationLoadContext(Path.GetFullPath(path), referencePaths);
        try
        {
            var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(path));
            int prepared = 0;
            var failures = new List<VerificationFailure>();
            var skipped = new List<string>();
            foreach (var type in LoadableTypes(assembly, failures))
            {
                foreach (var method in type.GetMethods(BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
                             .Cast<MethodBase>()
                             .Concat(type.GetConstructors(BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)))
                {
                    if (method.IsAbstract || method.GetMethodBody() is null) continue;
                    var name = $"{type.FullName}::{method}";
                    try
                    {
                        if (!Prepare(type, method)) { skipped.Add(name); continue; }
                        prepared++;
                    }
                    catch (Exception e) when (e is InvalidProgramException or BadImageFormatException or TypeLoadException
                                                  or MissingMethodException or MissingFieldException or FileNotFoundException
                                                  or System.Security.VerificationException or ArgumentException or NotSupportedException)
                    {
                        failures.Add(new VerificationFailure(name, $"{e.GetType().Name}: {e.Message}"));
                    }
                }
            }
            return new VerificationResult(prepared, skipped.Count, failures, skipped);
        }
        finally
        {
            context.Unload();
        }
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly, List<VerificationFailure> failures)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e)
        {
            foreach (var error in e.LoaderExceptions.OfType<Exception>())
                failures.Add(new VerificationFailure("(type load)", error.Message));
            return e.Types.OfType<Type>();
        }
    }

    // Generic types and methods are closed over arguments that satisfy their constraints; when no such argument
    // is found the method is reported as skipped, never silently counted as verified.
    private static bool Prepare(Type type, MethodBase method)
    {
        RuntimeTypeHandle[]? typeArgs = null;
        if (type.ContainsGenericParameters)
        {
            var closed = GenericArguments.Close(type.GetGenericArguments());
            if (closed is null) return false;
            type = type.MakeGenericType(closed);
            method = MethodBase.GetMethodFromHandle(method.MethodHandle, type.TypeHandle)!;
            typeArgs = closed.Select(t => t.TypeHandle).ToArray();
        }
        if (method is MethodInfo { ContainsGenericParameters: true, IsGenericMethodDefinition: true } generic)
        {
            var closed = GenericArguments.Close(generic.GetGenericArguments());
            if (closed is null) return false;
            var instance = generic.MakeGenericMethod(closed);
            RuntimeHelpers.PrepareMethod(instance.MethodHandle, [.. typeArgs ?? [], .. closed.Select(t => t.TypeHandle)]);
            return true;
        }
        if (typeArgs is null) RuntimeHelpers.PrepareMethod(method.MethodHandle);
        else RuntimeHelpers.PrepareMethod(method.MethodHandle, typeArgs);
        return true;
    }

    private sealed class VerificationLoadContext(string path, IReadOnlyList<string> referencePaths)
        : AssemblyLoadContext("weaver-verify", isCollectible: true)
    {
        private readonly string[] directories = [Path.GetDirectoryName(path)!, .. referencePaths];

        protected override Assembly? Load(AssemblyName name)
        {
            // Runtime libraries the woven code calls are shared with the default context (one guard registry).
            if (GuardRuntime.Abi.AbiDescriptor.IsRuntimeAssembly(name.Name)) return null;
            foreach (var dir in directories)
            {
                var candidate = Path.Combine(dir, name.Name + ".dll");
                if (File.Exists(candidate)) return LoadFromAssemblyPath(Path.GetFullPath(candidate));
            }
            return null;
        }
    }
}
