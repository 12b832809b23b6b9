using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Purity;

internal sealed partial class BodyInterpreter
{
    private void Execute(Instruction instruction)
    {
        var code = instruction.OpCode.Code;
        int at = instruction.Offset;
        var prefix = constrained;
        constrained = null;
        switch (code)
        {
            case Code.Nop or Code.Break or Code.Volatile or Code.Unaligned or Code.Tail or Code.Readonly or Code.No:
                return;
            case Code.Constrained:
                constrained = (TypeReference)instruction.Operand;
                return;
            case Code.Ldarg_0 or Code.Ldarg_1 or Code.Ldarg_2 or Code.Ldarg_3 or Code.Ldarg_S or Code.Ldarg:
            {
                int index = ArgumentIndex(instruction);
                var type = ArgumentType(index);
                Push(new AbstractValue(PointsNowhere(type) ? Provenance.None : Provenance.Parameter(index), type));
                return;
            }
            case Code.Ldarga_S or Code.Ldarga:
                Push(new AbstractValue(Provenance.Parameter(ArgumentIndex(instruction)).Join(Provenance.FreshOnly), null));
                return;
            case Code.Starg_S or Code.Starg:
                Pop(); // the callee's own copy of the argument
                return;
            case Code.Ldloc_0 or Code.Ldloc_1 or Code.Ldloc_2 or Code.Ldloc_3 or Code.Ldloc_S or Code.Ldloc:
            {
                var variable = Local(instruction);
                Push(new AbstractValue(locals[variable.Index], variable.VariableType));
                return;
            }
            case Code.Ldloca_S or Code.Ldloca:
                Push(new AbstractValue(locals[Local(instruction).Index].Join(Provenance.FreshOnly), null));
                return;
            case Code.Stloc_0 or Code.Stloc_1 or Code.Stloc_2 or Code.Stloc_3 or Code.Stloc_S or Code.Stloc:
            {
                var index = Local(instruction).Index;
                locals[index] = locals[index].Join(Pop().Points);
                return;
            }
            case Code.Ldnull:
                Push(new AbstractValue(Provenance.None, null, IsNull: true));
                return;
            case Code.Ldstr:
                Push(new AbstractValue(Provenance.None, method.Module.TypeSystem.String));
                return;
            case Code.Ldc_I4_M1 or Code.Ldc_I4_0 or Code.Ldc_I4_1 or Code.Ldc_I4_2 or Code.Ldc_I4_3 or Code.Ldc_I4_4
                or Code.Ldc_I4_5 or Code.Ldc_I4_6 or Code.Ldc_I4_7 or Code.Ldc_I4_8 or Code.Ldc_I4_S or Code.Ldc_I4
                or Code.Ldc_I8 or Code.Ldc_R4 or Code.Ldc_R8 or Code.Ldtoken or Code.Sizeof or Code.Ldftn or Code.Arglist:
                if (code == Code.Arglist) Impure(at, "reads variable arguments (__arglist)");
                Push(AbstractValue.Scalar);
                return;
            case Code.Dup:
            {
                var top = Pop();
                Push(top);
                Push(top);
                return;
            }
            case Code.Pop:
                Pop();
                return;
            case Code.Ldvirtftn:
                Pop();
                Push(AbstractValue.Scalar);
                return;
            case Code.Ldfld:
            {
                var field = (FieldReference)instruction.Operand;
                var loaded = Contents(Pop().Points);
                Push(new AbstractValue(PointsNowhere(field.FieldType) ? Provenance.None : loaded, field.FieldType));
                return;
            }
            case Code.Ldflda:
                Push(new AbstractValue(Pop().Points, null));
                return;
            case Code.Stfld:
            {
                var value = Pop();
                var target = Pop();
                Store(at, target, value, $"field {((FieldReference)instruction.Operand).Name}");
                return;
            }
            case Code.Ldsfld or Code.Ldsflda:
                LoadStatic(at, (FieldReference)instruction.Operand, code == Code.Ldsflda);
                return;
            case Code.Stsfld:
            {
                var field = (FieldReference)instruction.Operand;
                Leak(Pop().Points);
                Impure(at, $"writes static {field.DeclaringType.Name}.{field.Name}");
                return;
            }
            case Code.Ldlen:
                Pop();
                Push(AbstractValue.Scalar);
                return;
            case Code.Ldelema:
                Pop();
                Push(new AbstractValue(Pop().Points, null));
                return;
            case >= Code.Ldelem_I1 and <= Code.Ldelem_Ref or Code.Ldelem_Any:
            {
                Pop();
                var array = Pop();
                bool number = code is not (Code.Ldelem_Ref or Code.Ldelem_Any or Code.Ldelem_I);
                Push(new AbstractValue(number ? Provenance.None : Contents(array.Points), (array.Type as ArrayType)?.ElementType));
                return;
            }
            case >= Code.Stelem_I and <= Code.Stelem_Ref or Code.Stelem_Any:
            {
                var value = Pop();
                Pop();
                Store(at, Pop(), value, "an array element");
                return;
            }
            case >= Code.Ldind_I1 and <= Code.Ldind_Ref or Code.Ldobj:
            {
                var loaded = Contents(Pop().Points);
                bool number = code is not (Code.Ldind_Ref or Code.Ldobj or Code.Ldind_I);
                Push(new AbstractValue(number ? Provenance.None : loaded, code == Code.Ldobj ? (TypeReference)instruction.Operand : null));
                return;
            }
            case >= Code.Stind_Ref and <= Code.Stind_R8 or Code.Stind_I or Code.Stobj:
            {
                var value = Pop();
                Store(at, Pop(), value, "memory through a reference or pointer");
                return;
            }
            case Code.Initobj:
                Store(at, Pop(), AbstractValue.Scalar, "memory through a reference (initobj)");
                return;
            case Code.Cpobj:
            {
                var source = Pop();
                Store(at, Pop(), new AbstractValue(Contents(source.Points), null), "memory through a reference (cpobj)");
                return;
            }
            case Code.Cpblk:
            {
                Pop();
                var source = Pop();
                Store(at, Pop(), new AbstractValue(Contents(source.Points), null), "a block of memory (cpblk)");
                return;
            }
            case Code.Initblk:
                Pop();
                Pop();
                Store(at, Pop(), AbstractValue.Scalar, "a block of memory (initblk)");
                return;
            case Code.Newarr or Code.Localloc:
                Pop();
                Push(new AbstractValue(Provenance.FreshOnly, code == Code.Newarr ? new ArrayType((TypeReference)instruction.Operand) : null));
                return;
            case Code.Box:
                freshContents = freshContents.Join(Pop().Points);
                Push(new AbstractValue(Provenance.FreshOnly, method.Module.TypeSystem.Object));
                return;
            case Code.Unbox or Code.Unbox_Any:
                Push(new AbstractValue(Contents(Pop().Points).Join(Provenance.FreshOnly), (TypeReference)instruction.Operand));
                return;
            case Code.Castclass or Code.Isinst:
                Push(Pop() with { Type = (TypeReference)instruction.Operand });
                return;
            case Code.Mkrefany or Code.Refanyval or Code.Refanytype:
                Impure(at, "uses a typed reference");
                Pop();
                Push(new AbstractValue(Provenance.UnknownOnly, null));
                return;
            case Code.Call or Code.Callvirt or Code.Newobj:
                Call(instruction, (MethodReference)instruction.Operand, prefix);
                return;
            case Code.Calli:
            {
                var site = (CallSite)instruction.Operand;
                for (int i = 0; i < site.Parameters.Count + 1 + (site.HasThis ? 1 : 0); i++) Leak(Pop().Points);
                Impure(at, "calls through a function pointer (calli), whose target is not known");
                if (site.ReturnType.MetadataType != MetadataType.Void) Push(new AbstractValue(Provenance.UnknownOnly, site.ReturnType));
                return;
            }
            case Code.Jmp:
                Impure(at, "jumps to another method (jmp)");
                return;
            case Code.Ret:
                if (method.ReturnType.MetadataType != MetadataType.Void) returns = returns.Join(Pop().Points);
                return;
            case Code.Throw:
                Pop();
                return;
            case Code.Rethrow or Code.Endfinally or Code.Leave or Code.Leave_S or Code.Br or Code.Br_S:
                if (code is Code.Leave or Code.Leave_S) stack.Clear();
                return;
            case Code.Endfilter:
                Pop();
                return;
            case Code.Brtrue or Code.Brtrue_S or Code.Brfalse or Code.Brfalse_S or Code.Switch:
                Pop();
                return;
            case Code.Beq or Code.Beq_S or Code.Bne_Un or Code.Bne_Un_S:
                Identity(at, Pop(), Pop());
                return;
            case Code.Bge or Code.Bge_S or Code.Bgt or Code.Bgt_S or Code.Ble or Code.Ble_S or Code.Blt or Code.Blt_S
                or Code.Bge_Un or Code.Bge_Un_S or Code.Bgt_Un or Code.Bgt_Un_S or Code.Ble_Un or Code.Ble_Un_S
                or Code.Blt_Un or Code.Blt_Un_S:
                Pop();
                Pop();
                return;
            case Code.Ceq or Code.Cgt_Un:
            {
                var right = Pop();
                var left = Pop();
                Identity(at, left, right);
                Push(AbstractValue.Scalar);
                return;
            }
        }
        // What remains is arithmetic, comparison and conversion: pointer arithmetic keeps where it points.
        var popped = instruction.OpCode.StackBehaviourPop switch
        {
            StackBehaviour.Pop1 or StackBehaviour.Popi => 1,
            StackBehaviour.Pop1_pop1 or StackBehaviour.Popi_pop1 or StackBehaviour.Popi_popi or StackBehaviour.Popi_popi8
                or StackBehaviour.Popi_popr4 or StackBehaviour.Popi_popr8 => 2,
            StackBehaviour.Pop0 => 0,
            _ => -1,
        };
        if (popped < 0 || instruction.OpCode.StackBehaviourPush is not (StackBehaviour.Push1 or StackBehaviour.Pushi
                or StackBehaviour.Pushi8 or StackBehaviour.Pushr4 or StackBehaviour.Pushr8))
        {
            Impure(at, $"uses {instruction.OpCode.Name}, an instruction the analysis does not model");
            return;
        }
        var points = Provenance.None;
        for (int i = 0; i < popped; i++) points = points.Join(Pop().Points);
        Push(new AbstractValue(points, null));
    }

    // Object identity: two references compared by address, neither of them null. Type handles are unique per type.
    private void Identity(int at, AbstractValue left, AbstractValue right)
    {
        if (left.IsNull || right.IsNull || !IsReference(left.Type) || !IsReference(right.Type)) return;
        if (left.Type!.FullName == "System.Type" || right.Type!.FullName == "System.Type") return;
        Impure(at, $"compares references ({left.Type.Name} and {right.Type!.Name}), which depends on object identity");
    }

    private static bool IsReference(TypeReference? type)
    {
        if (type is null || type is GenericParameter or PointerType or ByReferenceType or FunctionPointerType || type.IsPrimitive) return false;
        if (type is ArrayType || type.MetadataType is MetadataType.String or MetadataType.Object) return true;
        try { return type.Resolve() is { IsValueType: false }; }
        catch (AssemblyResolutionException) { return false; }
    }

    // Numbers and strings point nowhere a method can write: an int read from an argument's array, or a string argument
    // appended to a builder, must not make what it is stored into "the argument". Native integers and pointers keep
    // their provenance (they can hold addresses); a write through an address that points nowhere known is impure.
    private static bool PointsNowhere(TypeReference? type)
    {
        if (type is null) return false;
        type = GenericSubstitution.StripModifiers(type);
        if (type.MetadataType == MetadataType.String) return true;
        if (type.IsPrimitive) return type.MetadataType is not (MetadataType.IntPtr or MetadataType.UIntPtr);
        if (type is ArrayType or PointerType or ByReferenceType or GenericParameter) return false;
        try { return type.Resolve() is { IsEnum: true }; }
        catch (AssemblyResolutionException) { return false; }
    }

    private void LoadStatic(int at, FieldReference reference, bool address)
    {
        FieldDefinition? field;
        try { field = reference.Resolve(); }
        catch (AssemblyResolutionException) { field = null; }
        string name = $"{reference.DeclaringType.Name}.{reference.Name}";
        if (field is null)
        {
            Impure(at, $"reads static {name}, which cannot be resolved");
            Push(new AbstractValue(Provenance.UnknownOnly, reference.FieldType));
            return;
        }
        bool mutable = !field.IsInitOnly && !field.IsLiteral;
        if (field.CustomAttributes.Any(a => a.AttributeType.FullName == "System.ThreadStaticAttribute"))
            Impure(at, $"reads thread-static {name}, which differs per thread");
        else if (field.Module != method.Module)
        {
            if (mutable) Impure(at, $"reads mutable framework static {name}");
        }
        else if (mutable && IsVisibleOutside(field))
            Impure(at, $"reads public mutable static {name}, which code outside the module can change without invalidating a cache");
        else if (mutable)
            readsMutable = readsMutable.Add(field);
        else if (!field.IsLiteral)
            readsContents = readsContents.Add(field);
        Push(new AbstractValue(!address && PointsNowhere(reference.FieldType) ? Provenance.None : Provenance.Static(field), address ? null : reference.FieldType));
    }

    private static bool IsVisibleOutside(FieldDefinition field)
    {
        if (!(field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly)) return false;
        for (var type = field.DeclaringType; type is not null; type = type.DeclaringType)
            if (!(type.IsPublic || type.IsNestedPublic || type.IsNestedFamily || type.IsNestedFamilyOrAssembly)) return false;
        return true;
    }

    /// <summary>A write of <paramref name="value"/> into the memory <paramref name="target"/> points to.</summary>
    private void Store(int at, AbstractValue target, AbstractValue value, string what)
    {
        var to = target.Points;
        if (to.IsNone) Impure(at, $"writes {what} through an address of unknown origin");
        writesParameters |= to.Parameters;
        // A type initializer fills its own type's tables before anything can read them.
        bool initializer = method.IsConstructor && method.IsStatic;
        foreach (var field in to.Statics.Where(f => !(initializer && f.DeclaringType == method.DeclaringType)))
        {
            leaks = leaks.Add(field);
            Impure(at, $"writes {what} inside the object of static {field.DeclaringType.Name}.{field.Name}");
        }
        if (to.Unknown) Impure(at, $"writes {what} in memory it did not allocate");
        if (to.Fresh) freshContents = freshContents.Join(value.Points);
        if (!to.OnlyFresh) Leak(value.Points);
    }

    /// <summary>The value escapes where it cannot be followed: the statics it reaches may be written there.</summary>
    private void Leak(Provenance value)
    {
        var reached = value.Join(Contents(value));
        if (!reached.Statics.IsEmpty) leaks = leaks.Union(reached.Statics);
    }

    /// <summary>Where a reference loaded from memory that <paramref name="points"/> to may point.</summary>
    private Provenance Contents(Provenance points) =>
        points.Fresh ? points.WithoutFresh.Join(freshContents).Join(Provenance.FreshOnly) : points;

    private int ArgumentIndex(Instruction instruction) => instruction.OpCode.Code switch
    {
        Code.Ldarg_0 => 0,
        Code.Ldarg_1 => 1,
        Code.Ldarg_2 => 2,
        Code.Ldarg_3 => 3,
        _ => instruction.Operand is ParameterDefinition p
            ? (p == method.Body.ThisParameter ? 0 : p.Index + (method.HasThis ? 1 : 0))
            : 0,
    };

    private TypeReference? ArgumentType(int index)
    {
        if (method.HasThis) return index == 0 ? method.DeclaringType : method.Parameters.ElementAtOrDefault(index - 1)?.ParameterType;
        return method.Parameters.ElementAtOrDefault(index)?.ParameterType;
    }

    private VariableDefinition Local(Instruction instruction) => instruction.OpCode.Code switch
    {
        Code.Ldloc_0 or Code.Stloc_0 => method.Body.Variables[0],
        Code.Ldloc_1 or Code.Stloc_1 => method.Body.Variables[1],
        Code.Ldloc_2 or Code.Stloc_2 => method.Body.Variables[2],
        Code.Ldloc_3 or Code.Stloc_3 => method.Body.Variables[3],
        _ => (VariableDefinition)instruction.Operand,
    };

    private void Push(AbstractValue value) => stack.Add(value);

    private AbstractValue Pop()
    {
        if (stack.Count == 0)
        {
            Impure(0, "pops an empty evaluation stack where the analysis lost track of the IL");
            return new AbstractValue(Provenance.UnknownOnly, null);
        }
        var top = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return top;
    }
}
