using System.Collections.Frozen;
using System.Reflection;

namespace GuardRuntime.CodeGeneration;

/// <summary>One framework member a code-generation shim stands in for.</summary>
/// <param name="TypeName">The declaring type, reflection style (<c>System.Linq.Expressions.Expression`1</c>).</param>
/// <param name="Member">The metadata name (<c>.ctor</c> for constructors).</param>
/// <param name="Parameters">The original's parameter list in the effect model's spelling (receiver excluded).</param>
/// <param name="Instance">Whether the original is an instance member (its receiver is the shim's first parameter).</param>
/// <param name="Shim">The shim in <see cref="GuardRuntime.CodeGenerationShims"/>; generic over the declaring type's arguments.</param>
internal sealed record ShimEntry(string TypeName, string Member, string Parameters, bool Instance, MethodInfo Shim)
{
    /// <summary>Whether the shim takes the weaver's site of the call before the module handle.</summary>
    public bool TakesSite => ShimCatalogue.TakesSite(Shim);
}

/// <summary>
/// The one table of redirected code-generation members, read by the weaver (calls in a module) and by the host's
/// rewriters (calls in emitted IL and in expression trees), and the one rule for the code-generation and loading
/// members that no check covers, which are refused at run time at the call.
/// </summary>
internal static class ShimCatalogue
{
    public static IReadOnlyList<ShimEntry> Entries { get; } = Build();

    private static readonly FrozenDictionary<(string, string, string), ShimEntry> ByKey =
        Entries.ToFrozenDictionary(e => (e.TypeName, e.Member, e.Parameters));

    /// <summary>The shim for a member named by its type, name and parameter list (effect model spelling), or null.</summary>
    public static ShimEntry? Find(string typeName, string member, string parameters) =>
        ByKey.TryGetValue((typeName, member, parameters), out var entry) ? entry : null;

    /// <summary>The shim for a live member (closed over the declaring type's generic arguments), or null.</summary>
    public static MethodInfo? Find(MethodBase method)
    {
        if (method.DeclaringType is not { } type) return null;
        var entry = Find(DynamicTargets.TypeName(type), method.Name, Signature.Of(method));
        if (entry is null) return null;
        if (!entry.Shim.IsGenericMethodDefinition) return entry.Shim;
        // Generic over the declaring type's arguments (Expression<TDelegate>.Compile) or the method's (CreateDelegate<T>).
        return entry.Shim.MakeGenericMethod(method.IsGenericMethod ? method.GetGenericArguments() : type.GetGenericArguments());
    }

    /// <summary>
    /// Why a code-generation or loading member without a shim cannot be checked, or null when it is not one: every
    /// other member of <c>System.Reflection.Emit</c> but the IL generator's vocabulary (builders, <c>DynamicILInfo</c>,
    /// persisted assemblies), the rest of <c>System.Runtime.Loader</c> (a new load context, resolving events),
    /// other ways to compile an expression tree (<c>Compile(DebugInfoGenerator)</c>), and any framework member outside
    /// <c>System.Linq.Expressions</c> that takes an expression tree (<c>Queryable</c>, <c>EnumerableQuery</c>,
    /// <c>IQueryProvider</c>), which compiles and runs it in framework code the rewriter never sees.
    /// </summary>
    public static string? Uncoverable(string typeName, string member, bool takesExpression)
    {
        if (typeName.StartsWith("System.Reflection.Emit.", StringComparison.Ordinal))
        {
            if (EmitVocabulary.Contains(typeName)) return null;
            if (typeName == "System.Reflection.Emit.DynamicMethod")
                return member.StartsWith("get_", StringComparison.Ordinal) || member is "ToString" or "DefineParameter"
                       || member.StartsWith("set_InitLocals", StringComparison.Ordinal)
                    ? null
                    : member is "GetDynamicILInfo"
                        ? "DynamicILInfo sets a dynamic method's IL as raw bytes, which the guard cannot weave; emit it with GetILGenerator"
                        : null;
            return $"{typeName} builds types or assemblies whose IL the run-time weaver does not see (only DynamicMethod's "
                   + "IL generator is woven as it is emitted); use a DynamicMethod, or ship the code in a woven assembly";
        }
        // Reading a context (Default, GetLoadContext, Assemblies) is harmless: loading through one goes to the shims,
        // which load into the module's own context whatever the receiver.
        if (typeName == "System.Runtime.Loader.AssemblyLoadContext"
            && (member.StartsWith("get_", StringComparison.Ordinal) || member is "GetLoadContext" or "ToString"))
            return null;
        if (typeName.StartsWith("System.Runtime.Loader.", StringComparison.Ordinal))
            return "a module loads code only into its own load context, through Assembly.Load or "
                   + "AssemblyLoadContext.LoadFromStream/LoadFromAssemblyPath, and only woven assemblies that pass the load-time verifier";
        if (typeName.StartsWith("System.Linq.Expressions.", StringComparison.Ordinal))
            return member.StartsWith("Compile", StringComparison.Ordinal) || member == "CompileToMethod"
                ? "this overload compiles an expression tree in a way the rewriter does not cover; call Compile() or Compile(bool)"
                : null;
        if (takesExpression)
            return "it takes an expression tree and compiles or interprets it in framework code, where the guard's rewriting "
                   + "never sees it (an IQueryable over objects runs its tree through EnumerableQuery); compile the tree "
                   + "with Expression.Compile, which is checked, or use LINQ to objects";
        return null;
    }

    // What an IL generator is driven with: harmless values, since the only generator a module can obtain is the
    // guard's own (DynamicMethod.GetILGenerator is redirected; every other source of one is refused).
    private static readonly FrozenSet<string> EmitVocabulary = new[]
    {
        "System.Reflection.Emit.ILGenerator", "System.Reflection.Emit.LocalBuilder", "System.Reflection.Emit.Label",
        "System.Reflection.Emit.OpCode", "System.Reflection.Emit.OpCodes", "System.Reflection.Emit.OpCodeType",
        "System.Reflection.Emit.OperandType", "System.Reflection.Emit.StackBehaviour", "System.Reflection.Emit.FlowControl",
        "System.Reflection.Emit.ParameterBuilder",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Whether a shim takes the weaver's site of the call before the module handle (the reflection shims: the member a
    /// reflection call reaches is known only at run time, and its violations are reported at the call).
    /// </summary>
    public static bool TakesSite(MethodInfo shim) => shim.DeclaringType == typeof(GuardRuntime.ReflectionShims);

    private static List<ShimEntry> Build()
    {
        var result = new List<ShimEntry>();
        var shims = typeof(GuardRuntime.CodeGenerationShims).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Concat(typeof(GuardRuntime.ReflectionShims).GetMethods(BindingFlags.Public | BindingFlags.Static));
        foreach (var shim in shims)
        {
            if (shim.GetCustomAttribute<ReplacesAttribute>() is not { } replaces) continue;
            int trailing = TakesSite(shim) ? 2 : 1; // the site (reflection) and the module handle
            var shimParameters = shim.GetParameters()[..^trailing].Select(p => p.ParameterType).ToArray();
            var original = FindOriginal(replaces.DeclaringType, replaces.Member, shimParameters, shim.IsGenericMethodDefinition
                    && !replaces.DeclaringType.IsGenericTypeDefinition, out bool instance)
                ?? throw new InvalidOperationException($"The shim {shim} replaces no member of {replaces.DeclaringType}.");
            result.Add(new ShimEntry(DynamicTargets.TypeName(replaces.DeclaringType), original.Name, Signature.Of(original),
                instance, shim));
        }
        return result;
    }

    private static MethodBase? FindOriginal(Type type, string member, Type[] shimParameters, bool genericMethod, out bool instance)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        IEnumerable<MethodBase> candidates = member == ConstructorInfo.ConstructorName
            ? type.GetConstructors(all)
            : type.GetMethods(all).Where(m => m.Name == member && m.IsGenericMethodDefinition == genericMethod);
        foreach (var candidate in candidates)
        {
            var parameters = candidate.GetParameters().Select(p => p.ParameterType).ToList();
            bool isInstance = !candidate.IsStatic && candidate is not ConstructorInfo;
            if (isInstance) parameters.Insert(0, type);
            if (parameters.Count != shimParameters.Length) continue;
            if (parameters.Zip(shimParameters).All(p => Same(p.First, p.Second)))
            {
                instance = isInstance;
                return candidate;
            }
        }
        instance = false;
        return null;
    }

    // Expression<TDelegate> against the shim's Expression<TDelegate> (the shim's own generic parameter).
    private static bool Same(Type original, Type shim) =>
        original == shim || original.ContainsGenericParameters && shim.ContainsGenericParameters
        && DynamicTargets.TypeName(original) == DynamicTargets.TypeName(shim);
}
