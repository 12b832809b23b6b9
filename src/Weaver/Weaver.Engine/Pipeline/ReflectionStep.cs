using GuardRuntime.CodeGeneration;
using GuardRuntime.Reflection;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Escapes;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Reflection is checked at run time: a module's call to a member the shim table names for reflection
/// (<c>FieldInfo.SetValue/GetValue</c>, <c>PropertyInfo.SetValue/GetValue</c>, <c>MethodBase.Invoke</c>,
/// <c>ConstructorInfo.Invoke</c>, <c>Activator.CreateInstance(Type, ...)</c>, <c>RuntimeHelpers.GetUninitializedObject</c>,
/// <c>Delegate.CreateDelegate</c>, <c>MethodInfo.CreateDelegate</c>) becomes a call of its shim in
/// <c>GuardRuntime.ReflectionShims</c> with a site of the call and the module's handle pushed last; the host resolves
/// the member and checks it as the compiled store or call. <c>Activator.CreateInstance&lt;T&gt;()</c> (<c>new T()</c>) is
/// redirected when T may be a host type. A reflection member the effect model calls reflective and no shim covers
/// (<c>Type.InvokeMember</c>, <c>FieldInfo.SetValueDirect</c>, <c>EventInfo.AddEventHandler</c>, ...) becomes a call that
/// throws at run time. Runs after <see cref="CodeGenerationStep"/> and before <see cref="EscapeHatchStep"/>. A function
/// pointer to any of them cannot carry the module's identity and is refused at weave time.
/// </summary>
public sealed class ReflectionStep : IWeaveStep
{
    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        if (context.Guards is not { } guard) return;
        var shims = ShimCalls.AbiType(context, nameof(GuardRuntime.ReflectionShims));
        var own = context.Module.Assembly.Name.Name;
        foreach (var type in context.Module.GetTypes().ToList())
        {
            if (type == guard.ModuleField.DeclaringType) continue;
            foreach (var method in type.Methods.Where(m => m.HasBody)) Rewrite(context, guard, shims, own, method);
        }
    }

    private static void Rewrite(WeaveContext context, GuardContext guard, TypeReference shims, string own, MethodDefinition method)
    {
        var work = new List<ShimCall>();
        var pointers = new List<(Instruction At, MethodReference Callee, ShimEntry Shim)>();
        foreach (var instruction in method.Body.Instructions)
        {
            if (instruction.Operand is not MethodReference callee || !Framework.IsFramework(Framework.ScopeOf(callee.DeclaringType))) continue;
            var typeName = TypeNames.Reflection(callee.DeclaringType);
            var signature = EffectSignature.Of(callee);
            var shim = ShimCatalogue.Find(typeName, callee.Name, signature) is { TakesSite: true } found ? found : null;
            if (shim is not null && shim.Shim.IsGenericMethodDefinition && !shim.Instance && callee is GenericInstanceMethod generic
                && !MayBeHostType(generic.GenericArguments[0], own))
                continue; // new T() of the module's own or a framework type: what a compiled 'new' of it is
            var refusal = shim is null ? ReflectionCatalogue.Uncovered(typeName, callee.Name, signature) : null;
            if (shim is null && refusal is null) continue;
            switch (instruction.OpCode.Code)
            {
                case Code.Call or Code.Callvirt or Code.Newobj:
                    work.Add(new ShimCall(instruction, callee, shim, shims, TakesSite: true));
                    break;
                // A delegate to a shimmed member (Func<object, object> get = field.GetValue) is bound to a stub of the
                // module that calls the shim with this site and the module's handle: the delegate runs the check.
                case Code.Ldftn or Code.Ldvirtftn when shim is { Shim.IsGenericMethodDefinition: false }
                    && (instruction.OpCode.Code == Code.Ldftn || instruction.Previous?.OpCode.Code == Code.Dup):
                    pointers.Add((instruction, callee, shim));
                    break;
                case Code.Ldftn or Code.Ldvirtftn:
                    ShimCalls.RefuseFunctionPointer(context, method, instruction, $"{typeName}::{callee.Name}",
                        "reflection is checked at run time with the calling module's identity and site, which this delegate cannot carry");
                    break;
            }
        }
        var sites = pointers.Select(p => (p.At, Site: guard.Sites.Add(method, context.Original.OffsetOf(p.At), guard.Targets.Object(),
            context.Original.LinesOf(method)))).ToList();
        ShimCalls.Rewrite(context, guard, method, work, "reflection");
        if (pointers.Count == 0) return;
        var il = method.Body.GetILProcessor();
        for (int i = 0; i < pointers.Count; i++)
        {
            var (at, callee, shim) = pointers[i];
            var stub = Stub(context, guard, shims, callee, shim, sites[i].Site);
            if (at.OpCode.Code == Code.Ldvirtftn)
            {
                // dup; ldvirtftn M  ->  ldftn stub: the delegate is closed over the receiver as the stub's first argument.
                var dup = at.Previous;
                if (method.Body.Instructions.Any(x => x.Operand == dup || x.Operand is Instruction[] targets && targets.Contains(dup))
                    || method.Body.ExceptionHandlers.Any(h => h.HandlerStart == dup || h.TryStart == dup || h.FilterStart == dup))
                {
                    ShimCalls.RefuseFunctionPointer(context, method, at, ShimCalls.Api(callee), "its receiver is a branch target");
                    continue;
                }
                il.Remove(dup);
            }
            at.OpCode = OpCodes.Ldftn;
            at.Operand = stub;
            guard.Report.CountGuard("reflection:delegate " + shim.Shim.Name, TypeNames.Method(method));
        }
    }

    // static R <WeaverReflection>::StubN(receiver, params...) => ReflectionShims.X(receiver, params..., site, handle)
    private static MethodDefinition Stub(WeaveContext context, GuardContext guard, TypeReference shims, MethodReference callee,
        ShimEntry shim, int site)
    {
        var module = context.Module;
        var holder = module.Types.FirstOrDefault(t => t.Name == StubHolder && t.Namespace.Length == 0);
        if (holder is null)
        {
            holder = new TypeDefinition("", StubHolder, TypeAttributes.NotPublic | TypeAttributes.Abstract | TypeAttributes.Sealed
                | TypeAttributes.Class | TypeAttributes.BeforeFieldInit, module.TypeSystem.Object);
            module.Types.Add(holder);
        }
        var stub = new MethodDefinition("Delegate" + holder.Methods.Count, MethodAttributes.Assembly | MethodAttributes.Static
            | MethodAttributes.HideBySig, callee.ReturnType);
        if (callee.HasThis) stub.Parameters.Add(new ParameterDefinition("receiver", ParameterAttributes.None, callee.DeclaringType));
        foreach (var p in callee.Parameters) stub.Parameters.Add(new ParameterDefinition(p.Name, ParameterAttributes.None, p.ParameterType));
        var il = stub.Body.GetILProcessor();
        foreach (var p in stub.Parameters) il.Emit(OpCodes.Ldarg, p);
        il.Emit(OpCodes.Ldc_I4, site);
        il.Emit(OpCodes.Ldsfld, guard.ModuleField);
        il.Emit(OpCodes.Call, ShimCalls.ShimReference(guard, shims, callee, shim, constructor: false, takesSite: true));
        il.Emit(OpCodes.Ret);
        holder.Methods.Add(stub);
        return stub;
    }

    private const string StubHolder = "<WeaverReflection>";

    // A type argument that may be a host type at run time: a type parameter, or a type of an assembly other than the
    // module and the shared framework (a framework generic over a host type counts: its constructor may build one).
    private static bool MayBeHostType(TypeReference type, string own)
    {
        switch (type)
        {
            case GenericParameter: return true;
            case GenericInstanceType instance when instance.GenericArguments.Any(a => MayBeHostType(a, own)): return true;
            case TypeSpecification specification: return MayBeHostType(specification.ElementType, own);
        }
        var scope = Framework.ScopeOf(type);
        return scope != own && !Framework.IsFramework(scope);
    }
}
