using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Guards;
using Weaver.Engine.Pipeline;

namespace Weaver.Engine.Memoize;

/// <summary>Where a memoized method may write through (or leak) one of its buffer arguments.</summary>
/// <param name="Method">The method the instruction is in (the memoized one, or a module callee).</param>
/// <param name="At">The instruction.</param>
/// <param name="What">What it does, for the diagnostic.</param>
internal sealed record BufferWrite(MethodDefinition Method, Instruction At, string What);

/// <summary>
/// Proves that a memoized method only reads its buffer arguments (arrays, strings, spans, memories), or finds where it
/// may not: a hit skips the original, so a write through an argument would be skipped too, and a wrong result follows.
/// A taint analysis over the IL: the buffer arguments, and every value derived from them (element addresses, views,
/// slices, pointers from <c>fixed</c>, conversions, locals they are stored in), are followed to what consumes them. A
/// store through such a value, a store of one into memory (an alias that could be written later), a call that may write
/// it (<see cref="BufferCalls"/>; module callees are analysed in turn with their own tainted parameters), a virtual or
/// indirect call receiving one, or returning one from the memoized method is reported. Locals and arguments are tracked
/// flow-insensitively (tainted once, tainted everywhere) and the evaluation stack per instruction, merged at branch
/// targets: what the analysis does not understand counts as a write.
/// </summary>
internal sealed class BufferWrites
{
    private const int MaxDepth = 8;

    private readonly Dictionary<(MethodDefinition, ulong), (BufferWrite? Write, bool ReturnsAlias)> done = [];
    private readonly HashSet<(MethodDefinition, ulong)> active = [];

    /// <summary>The first possible write through a buffer parameter of <paramref name="method"/>, or null when it only reads them.</summary>
    public static BufferWrite? Find(MethodDefinition method, IReadOnlyList<ArgumentKey> keys)
    {
        ulong mask = 0;
        for (int i = 0; i < keys.Count && i < 64; i++)
            if (keys[i].Kind == ArgumentKeyKind.Buffer) mask |= 1UL << i;
        return mask == 0 ? null : new BufferWrites().Analyse(method, mask, 0, top: true).Write;
    }

    // The first write, and whether the method may return an alias of a tainted argument (its callers then follow it).
    private (BufferWrite? Write, bool ReturnsAlias) Analyse(MethodDefinition method, ulong mask, int depth, bool top)
    {
        if (done.TryGetValue((method, mask), out var known)) return known;
        // Recursion with the same taint: its body is being analysed already; its result is taken as an alias.
        if (!active.Add((method, mask))) return (null, true);
        if (!method.HasBody) return (new BufferWrite(method, null!, "has no IL body to analyse"), true);
        var pass = new MethodPass(this, method, mask, depth, top);
        var result = (pass.Run(), pass.ReturnsAlias);
        active.Remove((method, mask));
        done[(method, mask)] = result;
        return result;
    }

    private sealed class MethodPass(BufferWrites owner, MethodDefinition method, ulong mask, int depth, bool top)
    {
        private readonly bool[] args = InitialArgs(method, mask);
        private readonly bool[] locals = new bool[method.Body.Variables.Count];
        private readonly Dictionary<Instruction, bool[]> entry = [];
        private bool changed;

        public bool ReturnsAlias { get; private set; }

        private static bool[] InitialArgs(MethodDefinition method, ulong mask)
        {
            int offset = method.HasThis ? 1 : 0;
            var args = new bool[method.Parameters.Count + offset];
            for (int i = 0; i < method.Parameters.Count && i < 64; i++) args[i + offset] = (mask >> i & 1) != 0;
            return args;
        }

        public BufferWrite? Run()
        {
            for (int pass = 0; pass < 16; pass++)
            {
                changed = false;
                if (Pass() is { } write) return write;
                if (!changed) return null;
            }
            return new BufferWrite(method, method.Body.Instructions[0], "has data flow too involved to follow");
        }

        private BufferWrite? Pass()
        {
            var stack = new List<bool>();
            bool reachable = true;
            var handlers = method.Body.ExceptionHandlers;
            foreach (var instruction in method.Body.Instructions)
            {
                if (handlers.Any(h => h.HandlerStart == instruction || h.FilterStart == instruction))
                {
                    stack = handlers.Any(h => h.HandlerType is ExceptionHandlerType.Catch or ExceptionHandlerType.Filter
                        && (h.HandlerStart == instruction || h.FilterStart == instruction)) ? [false] : [];
                    reachable = true;
                }
                if (entry.TryGetValue(instruction, out var recorded))
                {
                    stack = reachable ? Merge(stack, recorded) : [.. recorded];
                    reachable = true;
                }
                if (!reachable) continue;
                if (Step(instruction, stack) is { } write) return write;
                var flow = instruction.OpCode.FlowControl;
                foreach (var target in Targets(instruction)) Record(target, stack);
                if (flow is FlowControl.Branch or FlowControl.Return or FlowControl.Throw || instruction.OpCode.Code is Code.Leave or Code.Leave_S or Code.Endfinally)
                {
                    reachable = false;
                    stack = [];
                }
            }
            return null;
        }

        private static IEnumerable<Instruction> Targets(Instruction instruction) => instruction.Operand switch
        {
            Instruction target when instruction.OpCode.FlowControl is FlowControl.Branch or FlowControl.Cond_Branch => [target],
            Instruction[] targets => targets,
            _ => [],
        };

        private void Record(Instruction target, List<bool> stack)
        {
            if (entry.TryGetValue(target, out var old))
            {
                var merged = Merge([.. old], stack.ToArray());
                if (!merged.SequenceEqual(old)) { entry[target] = [.. merged]; changed = true; }
            }
            else
            {
                entry[target] = [.. stack];
                changed = true;
            }
        }

        // Stacks are aligned from the top (equal depths in verifiable IL); a slot is tainted on either path.
        private static List<bool> Merge(List<bool> a, bool[] b)
        {
            int n = Math.Max(a.Count, b.Length);
            var merged = new bool[n];
            for (int i = 0; i < n; i++)
                merged[n - 1 - i] = i < a.Count && a[a.Count - 1 - i] || i < b.Length && b[b.Length - 1 - i];
            return [.. merged];
        }

        private bool Pop(List<bool> stack)
        {
            if (stack.Count == 0) return false;
            bool t = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return t;
        }

        private void Taint(bool[] set, int index, bool value)
        {
            if (value && index < set.Length && !set[index]) { set[index] = true; changed = true; }
        }

        private BufferWrite Write(Instruction at, string what) => new(method, at, what);

        // One instruction's effect on the abstract stack; a write or escape is returned.
        private BufferWrite? Step(Instruction i, List<bool> stack)
        {
            var code = i.OpCode.Code;
            switch (code)
            {
                case Code.Ldarg_0 or Code.Ldarg_1 or Code.Ldarg_2 or Code.Ldarg_3:
                    stack.Add(Arg(code - Code.Ldarg_0)); return null;
                case Code.Ldarg or Code.Ldarg_S or Code.Ldarga or Code.Ldarga_S:
                    stack.Add(Arg(((ParameterDefinition)i.Operand).Sequence)); return null;
                case Code.Starg or Code.Starg_S:
                    Taint(args, ((ParameterDefinition)i.Operand).Sequence, Pop(stack)); return null;
                case Code.Ldloc_0 or Code.Ldloc_1 or Code.Ldloc_2 or Code.Ldloc_3:
                    stack.Add(locals[code - Code.Ldloc_0]); return null;
                case Code.Ldloc or Code.Ldloc_S or Code.Ldloca or Code.Ldloca_S:
                    stack.Add(locals[((VariableDefinition)i.Operand).Index]); return null;
                case Code.Stloc_0 or Code.Stloc_1 or Code.Stloc_2 or Code.Stloc_3:
                    Taint(locals, code - Code.Stloc_0, Pop(stack)); return null;
                case Code.Stloc or Code.Stloc_S:
                    Taint(locals, ((VariableDefinition)i.Operand).Index, Pop(stack)); return null;
                case Code.Dup:
                    stack.Add(stack.Count > 0 && stack[^1]); return null;
                case Code.Ldelema:
                    Pop(stack); stack.Add(Pop(stack)); return null;
                case Code.Ldflda:
                    stack.Add(Pop(stack)); return null;
                case Code.Stelem_Any or Code.Stelem_I or Code.Stelem_I1 or Code.Stelem_I2 or Code.Stelem_I4 or Code.Stelem_I8
                    or Code.Stelem_R4 or Code.Stelem_R8 or Code.Stelem_Ref:
                {
                    bool value = Pop(stack); Pop(stack); bool array = Pop(stack);
                    if (array) return Write(i, "stores into an element of a buffer argument");
                    return value ? Write(i, "stores an alias of a buffer argument into an array") : null;
                }
                case Code.Stind_I or Code.Stind_I1 or Code.Stind_I2 or Code.Stind_I4 or Code.Stind_I8 or Code.Stind_R4
                    or Code.Stind_R8 or Code.Stind_Ref or Code.Stobj:
                {
                    bool value = Pop(stack); bool address = Pop(stack);
                    if (address) return Write(i, "stores through an address into a buffer argument");
                    return value ? Write(i, "stores an alias of a buffer argument into memory") : null;
                }
                case Code.Stfld:
                {
                    bool value = Pop(stack); bool target = Pop(stack);
                    if (target) return Write(i, "stores into a field of an element of a buffer argument");
                    return value ? Write(i, "stores an alias of a buffer argument into a field") : null;
                }
                case Code.Stsfld:
                    return Pop(stack) ? Write(i, "stores an alias of a buffer argument into a static field") : null;
                case Code.Initobj:
                    return Pop(stack) ? Write(i, "clears an element of a buffer argument") : null;
                case Code.Cpobj:
                    Pop(stack);
                    return Pop(stack) ? Write(i, "copies into a buffer argument") : null;
                case Code.Cpblk or Code.Initblk:
                    Pop(stack); Pop(stack);
                    return Pop(stack) ? Write(i, "writes a block into a buffer argument") : null;
                case Code.Ret:
                    if (method.ReturnType.MetadataType == MetadataType.Void || !Pop(stack)) return null;
                    if (top) return Write(i, "returns (an alias of) a buffer argument, which a cached result could not be");
                    ReturnsAlias = true;
                    return null;
                case Code.Call or Code.Callvirt or Code.Newobj:
                    return Call(i, (MethodReference)i.Operand, stack);
                case Code.Calli:
                {
                    var site = (CallSite)i.Operand;
                    bool any = Pop(stack);
                    for (int p = 0; p < site.Parameters.Count + (site.HasThis ? 1 : 0); p++) any |= Pop(stack);
                    if (any) return Write(i, "passes a buffer argument to an indirect call");
                    if (site.ReturnType.MetadataType != MetadataType.Void) stack.Add(false);
                    return null;
                }
                case Code.Localloc or Code.Ldlen or Code.Ceq or Code.Cgt or Code.Cgt_Un or Code.Clt or Code.Clt_Un
                    or Code.Ldind_I or Code.Ldind_I1 or Code.Ldind_I2 or Code.Ldind_I4 or Code.Ldind_I8 or Code.Ldind_R4
                    or Code.Ldind_R8 or Code.Ldind_Ref or Code.Ldind_U1 or Code.Ldind_U2 or Code.Ldind_U4 or Code.Ldobj
                    or Code.Ldfld or Code.Sizeof or Code.Refanytype:
                    break; // consume by stack behaviour, push a value that does not alias the buffer
                case Code.Leave or Code.Leave_S or Code.Endfinally:
                    stack.Clear(); return null;
                default:
                    // Conversions, arithmetic, casts, boxing: the result carries the operands' taint (pointer arithmetic).
                    if (i.OpCode.StackBehaviourPush is StackBehaviour.Push1 or StackBehaviour.Pushi or StackBehaviour.Pushi8
                        or StackBehaviour.Pushr4 or StackBehaviour.Pushr8 or StackBehaviour.Pushref && i.OpCode.OpCodeType != OpCodeType.Macro
                        && Pops(i) is > 0 and var n && code is not (Code.Ldelem_Any or Code.Ldelem_I or Code.Ldelem_I1 or Code.Ldelem_I2
                            or Code.Ldelem_I4 or Code.Ldelem_I8 or Code.Ldelem_R4 or Code.Ldelem_R8 or Code.Ldelem_Ref or Code.Ldelem_U1
                            or Code.Ldelem_U2 or Code.Ldelem_U4))
                    {
                        bool any = false;
                        for (int k = 0; k < n; k++) any |= Pop(stack);
                        stack.Add(any);
                        return null;
                    }
                    break;
            }
            int pops = Pops(i);
            for (int k = 0; k < pops; k++) Pop(stack);
            for (int k = 0; k < Pushes(i); k++) stack.Add(false);
            return null;
        }

        private bool Arg(int index) => index < args.Length && args[index];

        private BufferWrite? Call(Instruction i, MethodReference callee, List<bool> stack)
        {
            bool newobj = i.OpCode.Code == Code.Newobj;
            int count = callee.Parameters.Count;
            bool hasThis = callee.HasThis && !newobj;
            var tainted = new bool[count];
            for (int k = count - 1; k >= 0; k--) tainted[k] = Pop(stack);
            bool receiver = hasThis && Pop(stack);
            bool any = receiver || tainted.Any(t => t);
            bool returns = newobj || callee.ReturnType.MetadataType != MetadataType.Void;
            if (!any)
            {
                if (returns) stack.Add(false);
                return null;
            }
            var name = TypeNames.Method(callee);
            bool aliases = false;
            if (Own(callee) is { } definition)
            {
                if (i.OpCode.Code == Code.Callvirt && definition.IsVirtual && !definition.IsFinal && !definition.DeclaringType.IsSealed)
                    return Write(i, $"passes a buffer argument to the virtual {name}, whose overrides cannot be analysed");
                if (depth >= MaxDepth) return Write(i, $"passes a buffer argument to {name}, deeper than the analysis follows");
                ulong calleeMask = 0;
                if (receiver) return Write(i, $"calls {name} on an alias of a buffer argument");
                for (int k = 0; k < count && k < 64; k++) if (tainted[k]) calleeMask |= 1UL << k;
                var (inner, returnsAlias) = owner.Analyse(definition, calleeMask, depth + 1, top: false);
                if (inner is not null)
                    return inner with { What = inner.What + $" (reached from {TypeNames.Method(method)})" };
                aliases = returnsAlias;
            }
            else if (Framework.IsFramework(Framework.ScopeOf(callee.DeclaringType)))
            {
                if (callee.DeclaringType.Resolve() is { } t && (t.BaseType?.FullName is "System.MulticastDelegate"))
                    return Write(i, $"passes a buffer argument to a delegate ({name})");
                for (int k = -1; k < count; k++)
                {
                    if (k < 0 ? !receiver : !tainted[k]) continue;
                    switch (BufferCalls.Classify(callee, k))
                    {
                        case BufferUse.MayWrite:
                            return Write(i, $"passes a buffer argument to {name}, which may write it");
                        case BufferUse.PassesThrough:
                            aliases = true;
                            break;
                    }
                }
                // A reader's result is fresh unless it can only be a view (span, memory, ref, pointer) or an object that
                // may wrap the buffer (an enumerable over it): those are followed.
                aliases |= MayWrap(newobj ? callee.DeclaringType : callee.ReturnType);
            }
            else
            {
                return Write(i, $"passes a buffer argument to {name} in another assembly, which the analysis cannot see");
            }
            if (returns) stack.Add(aliases && !IsPlainValue(newobj ? callee.DeclaringType : callee.ReturnType));
            return null;
        }

        private static bool MayWrap(TypeReference type)
        {
            type = GenericSubstitution.StripModifiers(type);
            if (IsPlainValue(type) || type is ArrayType) return false;
            if (type is ByReferenceType or PointerType or GenericParameter) return true;
            var open = type.GetElementType().FullName;
            if (open is "System.Span`1" or "System.ReadOnlySpan`1" or "System.Memory`1" or "System.ReadOnlyMemory`1" or "System.ArraySegment`1")
                return true;
            try { return type.Resolve() is not { IsValueType: true } || !MemoizableTypes.IsUnmanaged(type); }
            catch (AssemblyResolutionException) { return true; }
        }

        private MethodDefinition? Own(MethodReference callee)
        {
            var element = callee.GetElementMethod();
            if (element is MethodDefinition d) return d.Module == method.Module ? d : null;
            if (element.DeclaringType.GetElementType().Scope != method.Module) return null;
            try { return element.Resolve(); }
            catch (AssemblyResolutionException) { return null; }
        }

        // A result of this type cannot alias a buffer: numbers, booleans, enums, strings (immutable copies).
        private static bool IsPlainValue(TypeReference type)
        {
            type = GenericSubstitution.StripModifiers(type);
            if (type.IsPrimitive || type.MetadataType is MetadataType.String or MetadataType.Void) return true;
            if (type is ByReferenceType or PointerType or ArrayType or GenericParameter) return false;
            try { return type.Resolve() is { IsEnum: true }; }
            catch (AssemblyResolutionException) { return false; }
        }

        private static int Pops(Instruction i) => i.OpCode.StackBehaviourPop switch
        {
            StackBehaviour.Pop0 => 0,
            StackBehaviour.Pop1 or StackBehaviour.Popi or StackBehaviour.Popref => 1,
            StackBehaviour.Pop1_pop1 or StackBehaviour.Popi_pop1 or StackBehaviour.Popi_popi or StackBehaviour.Popi_popi8
                or StackBehaviour.Popi_popr4 or StackBehaviour.Popi_popr8 or StackBehaviour.Popref_pop1 or StackBehaviour.Popref_popi => 2,
            StackBehaviour.Popi_popi_popi or StackBehaviour.Popref_popi_popi or StackBehaviour.Popref_popi_popi8
                or StackBehaviour.Popref_popi_popr4 or StackBehaviour.Popref_popi_popr8 or StackBehaviour.Popref_popi_popref => 3,
            _ => 0,
        };

        private static int Pushes(Instruction i) => i.OpCode.StackBehaviourPush switch
        {
            StackBehaviour.Push0 => 0,
            StackBehaviour.Push1_push1 => 2,
            StackBehaviour.Varpush => 0,
            _ => 1,
        };
    }
}
