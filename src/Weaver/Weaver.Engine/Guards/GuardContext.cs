using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;

namespace Weaver.Engine.Guards;

/// <summary>What the guard rewriter of every method of one module shares.</summary>
internal sealed class GuardContext(WeaveContext weave, GuardAbi abi, FieldReference moduleField)
{
    private readonly Dictionary<string, bool> valueTypes = new(StringComparer.Ordinal);

    public ModuleDefinition Module => weave.Module;
    public GuardAbi Abi { get; } = abi;
    public FieldReference ModuleField { get; } = moduleField;
    public TargetTable Targets { get; } = new(weave.Module);
    public SiteTable Sites { get; } = new();
    public WeaveReport Report => weave.Report;

    /// <summary>
    /// The instructions that end every guard: the target id, the site id (the site is recorded now, at
    /// <paramref name="ilOffset"/> of the original body), the module handle and the call to <paramref name="check"/>.
    /// </summary>
    public IEnumerable<Instruction> CheckCall(MethodDefinition method, int ilOffset, SourceLines lines, int targetId, MethodReference check)
    {
        yield return Instruction.Create(OpCodes.Ldc_I4, targetId);
        yield return Instruction.Create(OpCodes.Ldc_I4, Sites.Add(method, ilOffset, targetId, lines));
        yield return Instruction.Create(OpCodes.Ldsfld, ModuleField);
        yield return Instruction.Create(OpCodes.Call, check);
    }

    /// <summary>The offset of <paramref name="instruction"/> in the input (see <see cref="Pipeline.OriginalCode"/>).</summary>
    public int OffsetOf(Instruction instruction) => weave.Original.OffsetOf(instruction);

    /// <summary>The source lines of <paramref name="method"/> by original offset.</summary>
    public SourceLines LinesOf(MethodDefinition method) => weave.Original.LinesOf(method);

    /// <summary>A new instruction with the opcode and operand of <paramref name="original"/>.</summary>
    public static Instruction Copy(Instruction original)
    {
        // Instruction.Create has one overload per operand type; going through Nop copies any operand as it is.
        var copy = Instruction.Create(OpCodes.Nop);
        copy.OpCode = original.OpCode;
        copy.Operand = original.Operand;
        return copy;
    }

    public bool Enabled(StoreFamily family) => family switch
    {
        StoreFamily.InstanceField or StoreFamily.FieldAddress => weave.Options.Guards.HasFlag(GuardKinds.Fields),
        StoreFamily.StaticField or StoreFamily.StaticFieldAddress => weave.Options.Guards.HasFlag(GuardKinds.Statics),
        StoreFamily.Element => weave.Options.Guards.HasFlag(GuardKinds.Arrays),
        StoreFamily.None => false,
        _ => weave.Options.Guards.HasFlag(GuardKinds.Indirect),
    };

    /// <summary>
    /// Whether <paramref name="type"/> is a value type. A type referenced from another assembly must be resolved
    /// to know: the metadata of a field reference does not say, and guessing wrong would pass a byref as an object.
    /// </summary>
    public bool IsValueType(TypeReference type, MethodDefinition method, int ilOffset)
    {
        if (type is GenericParameter) return false;
        var element = type.GetElementType();
        if (element is TypeDefinition definition) return definition.IsValueType;
        var key = element.FullName + ", " + element.Scope?.Name;
        if (valueTypes.TryGetValue(key, out var known)) return known;
        TypeDefinition? resolved;
        try { resolved = element.Resolve(); }
        catch (AssemblyResolutionException e)
        {
            throw Unresolved(element, method, ilOffset, e);
        }
        if (resolved is null) throw Unresolved(element, method, ilOffset, null);
        valueTypes[key] = resolved.IsValueType;
        return resolved.IsValueType;
    }

    private WeaverException Unresolved(TypeReference type, MethodDefinition method, int ilOffset, Exception? inner) =>
        new(new WeaverDiagnostic(DiagnosticCodes.UnresolvedReference, DiagnosticSeverity.Error,
            $"Cannot resolve '{type.FullName}' from assembly '{type.Scope?.Name}', needed to guard the store in {method.FullName} at IL_{ilOffset:x4}; add its folder with --reference.",
            weave.Options.InputPath), inner);
}
