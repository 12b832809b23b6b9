using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Weaver.Engine.Guards;

/// <summary>
/// The type the weaver injects into every guarded module: <c>&lt;WeaverGuard&gt;</c> with one static readonly field
/// holding the module's <c>ModuleGuard</c>, set by its static constructor. The name cannot be written in C#, so it
/// cannot clash with user code, and the type is internal, so the public API (and the reference assembly) is unchanged.
/// </summary>
internal static class GuardHolder
{
    public static FieldDefinition Create(ModuleDefinition module, GuardAbi abi)
    {
        var ts = module.TypeSystem;
        var holder = new TypeDefinition("", WeaverInfo.GuardHolderName,
            TypeAttributes.NotPublic | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.BeforeFieldInit | TypeAttributes.Class,
            ts.Object);
        var field = new FieldDefinition("Module", FieldAttributes.Assembly | FieldAttributes.Static | FieldAttributes.InitOnly, abi.ModuleGuard);
        holder.Fields.Add(field);

        var cctor = new MethodDefinition(".cctor",
            MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
            ts.Void);
        var il = cctor.Body.GetILProcessor();
        il.Emit(OpCodes.Ldtoken, holder);
        il.Emit(OpCodes.Call, abi.Register);
        il.Emit(OpCodes.Stsfld, field);
        il.Emit(OpCodes.Ret);
        holder.Methods.Add(cctor);
        module.Types.Add(holder);
        return field;
    }
}
