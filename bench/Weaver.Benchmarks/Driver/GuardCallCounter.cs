using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace Weaver.Benchmarks.Driver;

/// <summary>
/// Counts the guard checks a woven copy executes. <see cref="Instrument"/> rewrites an already woven assembly so that
/// every call to a <c>GuardRuntime.Guard</c> check is preceded by a call to one of the counters below (a call with no
/// arguments and no result, so the stack the guard call sees is unchanged). The counting copy is used once at setup,
/// never timed: ns per guarded store = (woven time − unwoven time) / dynamic guard calls per operation.
/// </summary>
/// <remarks>
/// The counter goes right before the guard's <c>call</c>, after its arguments were pushed; a branch that targets the
/// call instruction itself (never emitted by the weaver, whose sequences start with the arguments) would skip it.
/// The workload is single-threaded, so plain increments are exact.
/// </remarks>
public static class GuardCallCounter
{
    /// <summary>Dynamic <c>Guard.StoreField</c> calls.</summary>
    public static long Field;
    /// <summary>Dynamic <c>Guard.StoreStatic</c> calls.</summary>
    public static long Static;
    /// <summary>Dynamic <c>Guard.StoreElement</c> calls.</summary>
    public static long Element;
    /// <summary>Dynamic <c>Guard.StoreAddress</c> calls.</summary>
    public static long Address;
    /// <summary>Dynamic range checks of library writes (<c>Guard.StoreElements</c>, <c>Guard.StoreSpan</c>).</summary>
    public static long Range;
    /// <summary>Dynamic <c>Guard.Call</c> (host API) checks.</summary>
    public static long Call;

    /// <summary>Every guard check so far.</summary>
    public static long Total => Field + Static + Element + Address + Range + Call;

    /// <summary>Zeroes the counters.</summary>
    public static void Reset() => Field = Static = Element = Address = Range = Call = 0;

    /// <summary>Counter hook.</summary>
    public static void HitField() => Field++;
    /// <summary>Counter hook.</summary>
    public static void HitStatic() => Static++;
    /// <summary>Counter hook.</summary>
    public static void HitElement() => Element++;
    /// <summary>Counter hook.</summary>
    public static void HitAddress() => Address++;
    /// <summary>Counter hook.</summary>
    public static void HitRange() => Range++;
    /// <summary>Counter hook.</summary>
    public static void HitCall() => Call++;

    /// <summary>Writes a copy of the woven assembly <paramref name="input"/> with a counter before every guard call; returns how many sites were instrumented.</summary>
    public static int Instrument(string input, string output, string referenceDirectory)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(input))!);
        resolver.AddSearchDirectory(referenceDirectory);
        int sites = 0;
        using (var assembly = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { AssemblyResolver = resolver, InMemory = true }))
        {
            var module = assembly.MainModule;
            var hooks = new Dictionary<string, MethodReference>
            {
                ["StoreField"] = module.ImportReference(typeof(GuardCallCounter).GetMethod(nameof(HitField))!),
                ["StoreStatic"] = module.ImportReference(typeof(GuardCallCounter).GetMethod(nameof(HitStatic))!),
                ["StoreElement"] = module.ImportReference(typeof(GuardCallCounter).GetMethod(nameof(HitElement))!),
                ["StoreAddress"] = module.ImportReference(typeof(GuardCallCounter).GetMethod(nameof(HitAddress))!),
                ["StoreElements"] = module.ImportReference(typeof(GuardCallCounter).GetMethod(nameof(HitRange))!),
                ["StoreSpan"] = module.ImportReference(typeof(GuardCallCounter).GetMethod(nameof(HitRange))!),
                ["Call"] = module.ImportReference(typeof(GuardCallCounter).GetMethod(nameof(HitCall))!),
            };
            foreach (var type in module.GetTypes())
                foreach (var method in type.Methods.Where(m => m.HasBody))
                {
                    var guardCalls = method.Body.Instructions
                        .Where(i => i.OpCode == OpCodes.Call && i.Operand is MethodReference m
                                    && m.DeclaringType.FullName == "GuardRuntime.Guard" && hooks.ContainsKey(m.Name))
                        .ToList();
                    if (guardCalls.Count == 0) continue;
                    method.Body.SimplifyMacros();
                    var il = method.Body.GetILProcessor();
                    foreach (var call in guardCalls)
                    {
                        il.InsertBefore(call, il.Create(OpCodes.Call, hooks[((MethodReference)call.Operand).Name]));
                        sites++;
                    }
                    method.Body.OptimizeMacros();
                }
            assembly.Write(output);
        }
        return sites;
    }
}
