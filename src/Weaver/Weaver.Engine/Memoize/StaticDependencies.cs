using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;

namespace Weaver.Engine.Memoize;

/// <summary>
/// Which static fields a memoized method reads (<c>ldsfld</c>/<c>ldsflda</c> in its body and, transitively, in the
/// module's own methods it calls, to a bounded depth), and the invalidation after every store to such a field anywhere
/// in the module (README section 5): <c>ldstr "&lt;field&gt;"; call Memo::InvalidateDependents(string)</c>, emitted
/// <em>after</em> the store. Read-only fields (written only by their type initializer, which runs before any read)
/// and literals are not dependencies.
/// </summary>
/// <remarks>
/// What the analysis cannot see: reads through virtual or interface calls and delegates invoked indirectly, reads in
/// other assemblies, and writes to the <em>contents</em> of a static array or object (the field itself is unchanged).
/// Determinism learning catches such a method while it learns; a change after learning is not seen.
/// </remarks>
internal static class StaticDependencies
{
    public const int MaxDepth = 8;
    public const int MaxMethods = 4096;

    /// <summary>The identities (<see cref="FieldIdentity"/>) of the static fields <paramref name="method"/> may read, sorted.</summary>
    public static SortedSet<string> Reads(MethodDefinition method)
    {
        var module = method.Module;
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        var visited = new HashSet<MethodDefinition> { method };
        var queue = new Queue<(MethodDefinition Method, int Depth)>();
        queue.Enqueue((method, 0));
        while (queue.Count > 0 && visited.Count <= MaxMethods)
        {
            var (current, depth) = queue.Dequeue();
            if (!current.HasBody) continue;
            foreach (var instruction in current.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case FieldReference field when instruction.OpCode.Code is Code.Ldsfld or Code.Ldsflda:
                        if (FieldIdentity(field) is { } name) fields.Add(name);
                        break;
                    case MethodReference callee when depth < MaxDepth && instruction.OpCode.Code is Code.Call or Code.Callvirt or Code.Newobj or Code.Ldftn or Code.Ldvirtftn:
                        if (SameModule(callee, module) is { } definition && visited.Add(definition)) queue.Enqueue((definition, depth + 1));
                        break;
                }
            }
        }
        return fields;
    }

    /// <summary>
    /// The name a dependency is registered and invalidated under: the definition's <c>FieldReference.FullName</c>
    /// (<c>System.Int32 Ns.Type::s_seed</c>), or null when the field cannot change after its type is initialised.
    /// </summary>
    public static string? FieldIdentity(FieldReference field)
    {
        FieldDefinition? definition = null;
        try { definition = field.Resolve(); }
        catch (AssemblyResolutionException) { /* an unresolvable field is still a dependency, by its reference name */ }
        if (definition is null) return field.FullName;
        if (definition.IsInitOnly || definition.IsLiteral || definition.Name.StartsWith(WrapperBuilder.TablePrefix, StringComparison.Ordinal)) return null;
        return definition.FullName;
    }

    private static MethodDefinition? SameModule(MethodReference callee, ModuleDefinition module)
    {
        var element = callee.GetElementMethod();
        if (element is MethodDefinition definition) return definition.Module == module ? definition : null;
        if (element.DeclaringType.GetElementType().Scope != module) return null;
        try { return element.Resolve(); }
        catch (AssemblyResolutionException) { return null; }
    }

    /// <summary>
    /// Inserts the invalidation after every store to a field in <paramref name="dependencies"/> in every method of the
    /// module except <paramref name="skip"/>; returns how many were inserted. A field address that escapes where it cannot
    /// be followed gets a warning.
    /// </summary>
    public static int InsertInvalidations(WeaveContext context, KcrAbi abi, IReadOnlyDictionary<string, List<string>> dependencies, ISet<MethodDefinition> skip)
    {
        int inserted = 0;
        foreach (var type in context.Module.GetTypes().ToList())
            foreach (var method in type.Methods.Where(m => m.HasBody && !skip.Contains(m)))
            {
                var after = new List<(Instruction Store, string Field)>();
                foreach (var instruction in method.Body.Instructions)
                {
                    if (instruction.OpCode.Code is not (Code.Stsfld or Code.Ldsflda) || instruction.Operand is not FieldReference field) continue;
                    if (FieldIdentity(field) is not { } name || !dependencies.ContainsKey(name)) continue;
                    if (instruction.OpCode.Code == Code.Stsfld)
                    {
                        after.Add((instruction, name));
                        continue;
                    }
                    switch (AddressUse.Follow(instruction))
                    {
                        case { Kind: AddressUseKind.Write, Consumer: { } consumer }:
                            after.Add((consumer, name));
                            break;
                        case { Kind: AddressUseKind.Escapes, Consumer: var at }:
                            var (file, line) = MemoizeCandidates.FirstLine(method);
                            context.Add(new WeaverDiagnostic(DiagnosticCodes.MemoizeUntrackedWrite, DiagnosticSeverity.Warning,
                                $"{Guards.TypeNames.Method(method)} at IL_{(at ?? instruction).Offset:x4} takes the address of {name} in a way the weaver cannot follow; " +
                                $"writes through it do not invalidate the memoized {string.Join(", ", dependencies[name])}.",
                                file ?? context.Options.InputPath, line));
                            break;
                    }
                }
                if (after.Count == 0) continue;
                var il = method.Body.GetILProcessor();
                // Inserted after the store: branches and handler boundaries that name the next instruction still do.
                foreach (var (store, name) in after.DistinctBy(a => (a.Store, a.Field)))
                {
                    var call = il.Create(OpCodes.Call, abi.InvalidateDependents);
                    il.InsertAfter(store, call);
                    il.InsertAfter(store, il.Create(OpCodes.Ldstr, name));
                    inserted++;
                }
            }
        return inserted;
    }
}
