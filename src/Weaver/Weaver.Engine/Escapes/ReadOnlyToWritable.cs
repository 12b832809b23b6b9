using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Escapes;

/// <summary>
/// Strings and boxed values are shared and immutable, and no policy makes them writable. A module can still form a
/// writable address into one: <c>fixed (char* p = str)</c> (a pinned string local, <c>OffsetToStringData</c>,
/// <c>String.GetPinnableReference</c>), <c>MemoryMarshal.GetReference(ReadOnlySpan)</c>, <c>Unsafe.AsRef(in x)</c>,
/// <c>Unsafe.Unbox</c>, IL <c>unbox</c>. The rule: such an address is allowed only when a simple intra-method dataflow
/// shows it is only read. Every value derived from it (arithmetic, <c>Unsafe.Add</c>, spans made from it, locals it is
/// stored in) is tracked; it is refused where it is the address of a store, is passed to a call that may write through
/// it, is stored in a field, array or static, or is returned. Parsers that pin strings to read them keep working.
/// </summary>
public static class ReadOnlyToWritable
{
    /// <summary>One refused use: the instruction and what it does.</summary>
    public readonly record struct Finding(Instruction At, string What);

    /// <summary>The refused uses in <paramref name="method"/>; <paramref name="readsThrough"/> says whether a call only reads its argument <c>i</c>.</summary>
    public static List<Finding> Check(MethodDefinition method, Func<MethodReference, int, bool> readsThrough)
    {
        var findings = new List<Finding>();
        if (!method.HasBody || !method.Body.Instructions.Any(IsSource)) return findings;
        var tainted = new HashSet<VariableDefinition>();
        // Locals tainted late in the body may flow back through loops: iterate to a fixpoint (few passes in practice).
        for (int pass = 0; pass < 4; pass++)
        {
            int before = tainted.Count;
            findings.Clear();
            Scan(method, tainted, findings, readsThrough);
            if (tainted.Count == before) break;
        }
        return findings;
    }

    private static bool IsSource(Instruction i) => i.OpCode.Code == Code.Unbox || i.Operand switch
    {
        MethodReference m => SourceCall(m) is not null,
        VariableDefinition v => IsPinnedReadOnly(v),
        _ => false,
    };

    // 'fixed (char* p = str)' pins the string itself in a 'string pinned' local (a char& pinned local is tainted only
    // when it is stored from a source, so pinning a module's own char[] stays writable).
    private static bool IsPinnedReadOnly(VariableDefinition v) =>
        v.VariableType is PinnedType { ElementType.MetadataType: MetadataType.String };

    private static string? SourceCall(MethodReference m) => (TypeNames.Reflection(m.DeclaringType), m.Name) switch
    {
        ("System.String", "GetPinnableReference") => "a string's pinnable reference",
        ("System.Runtime.CompilerServices.RuntimeHelpers", "get_OffsetToStringData") => "a pointer into a string",
        ("System.Runtime.InteropServices.MemoryMarshal", "GetReference")
            when m.Parameters[0].ParameterType.GetElementType().FullName == "System.ReadOnlySpan`1" => "the reference of a read-only span",
        ("System.Runtime.CompilerServices.Unsafe", "AsRef") when m.Parameters[0].ParameterType is ByReferenceType => "a ref made writable from 'in'",
        ("System.Runtime.CompilerServices.Unsafe", "Unbox") => "a ref into a boxed value",
        _ => null,
    };

    private static void Scan(MethodDefinition method, HashSet<VariableDefinition> tainted, List<Finding> findings,
        Func<MethodReference, int, bool> readsThrough)
    {
        var stack = new List<bool>();
        // An operand from before a join (a ternary) is not tracked: count it as derived, the safe side.
        bool Pop() { if (stack.Count == 0) return true; var t = stack[^1]; stack.RemoveAt(stack.Count - 1); return t; }
        foreach (var ins in method.Body.Instructions)
        {
            var code = ins.OpCode.Code;
            if (method.Body.ExceptionHandlers.Any(h => h.HandlerStart == ins || h.FilterStart == ins)) stack.Clear();
            if (method.Body.ExceptionHandlers.Any(h => (h.HandlerType is ExceptionHandlerType.Catch or ExceptionHandlerType.Filter) && (h.HandlerStart == ins || h.FilterStart == ins)))
                stack.Add(false); // the exception object
            switch (code)
            {
                case Code.Ldloc or Code.Ldloc_S or Code.Ldloc_0 or Code.Ldloc_1 or Code.Ldloc_2 or Code.Ldloc_3:
                {
                    var v = Local(method, ins);
                    stack.Add(v is not null && (tainted.Contains(v) || IsPinnedReadOnly(v)));
                    continue;
                }
                case Code.Ldloca or Code.Ldloca_S:
                {
                    // The address of a derived span is derived (its indexer returns the derived ref); the address of a
                    // derived pointer local is only the local.
                    var v = Local(method, ins);
                    stack.Add(v is not null && tainted.Contains(v) && v.VariableType is not (PointerType or ByReferenceType or PinnedType));
                    continue;
                }
                case Code.Stloc or Code.Stloc_S or Code.Stloc_0 or Code.Stloc_1 or Code.Stloc_2 or Code.Stloc_3:
                {
                    var v = Local(method, ins);
                    if (Pop() && v is not null) tainted.Add(v);
                    continue;
                }
                case Code.Unbox:
                    Pop();
                    stack.Add(true);
                    continue;
                case Code.Call or Code.Callvirt or Code.Newobj:
                {
                    var m = (MethodReference)ins.Operand;
                    int n = m.Parameters.Count + (m.HasThis && code != Code.Newobj ? 1 : 0);
                    var taint = new bool[n];
                    for (int i = n - 1; i >= 0; i--) taint[i] = Pop();
                    bool any = taint.Any(t => t);
                    var produced = code == Code.Newobj ? m.DeclaringType : m.ReturnType; // a span constructed from the address
                    bool returnsAddress = produced is PointerType or ByReferenceType
                        || produced.GetElementType().FullName is "System.Span`1" or "System.ReadOnlySpan`1" or "System.IntPtr" or "System.UIntPtr";
                    int offset = m.HasThis && code != Code.Newobj ? 1 : 0;
                    if (any && !returnsAddress)
                        for (int i = 0; i < n; i++)
                            if (taint[i] && !(i >= offset && readsThrough(m, i - offset)) && !(i < offset && IsReader(m)))
                                findings.Add(new(ins, $"passes a writable address derived from {Describe(method)} to {TypeNames.Method(m)}, which may write through it"));
                    if (code == Code.Newobj || m.ReturnType.MetadataType != MetadataType.Void)
                        stack.Add(SourceCall(m) is not null || any && returnsAddress);
                    continue;
                }
            }
            int pops = Pops(ins, method);
            var popped = new bool[Math.Max(pops, 0)];
            if (pops < 0) stack.Clear();
            for (int i = popped.Length - 1; i >= 0; i--) popped[i] = Pop();
            if (popped.Length > 0 && popped[0] && IsAddressStore(code))
                findings.Add(new(ins, $"writes through an address derived from {Describe(method)} ({ins.OpCode.Name})"));
            else if (popped.Length > 1 && popped[^1] && code is Code.Stfld or Code.Stsfld or Code.Stelem_Ref or Code.Stelem_I or Code.Stelem_Any or Code.Stind_I
                         or Code.Stind_I8 or Code.Stind_Ref or Code.Stobj
                     || code is Code.Stsfld && popped.Length > 0 && popped[0] || code == Code.Ret && popped.Any(t => t))
                findings.Add(new(ins, $"lets an address derived from {Describe(method)} escape the method ({ins.OpCode.Name})"));
            bool derived = popped.Any(t => t) && !IsValueLoad(code);
            for (int i = 0; i < Pushes(ins); i++) stack.Add(derived);
            if (ins.OpCode.FlowControl is FlowControl.Branch or FlowControl.Throw or FlowControl.Return) stack.Clear();
        }
    }

    private static string Describe(MethodDefinition method) => "a read-only reference (a string, a boxed value or an 'in' argument)";

    // Receivers the framework only reads (span and string readers).
    private static bool IsReader(MethodReference m) =>
        TypeNames.Reflection(m.DeclaringType) is "System.ReadOnlySpan`1" or "System.String"
        || TypeNames.Reflection(m.DeclaringType) == "System.Span`1" && m.Name is "get_Length" or "get_IsEmpty" or "Slice" or "get_Item";

    private static bool IsAddressStore(Code code) => code is Code.Stind_I or Code.Stind_I1 or Code.Stind_I2 or Code.Stind_I4
        or Code.Stind_I8 or Code.Stind_R4 or Code.Stind_R8 or Code.Stind_Ref or Code.Stobj or Code.Initobj or Code.Cpblk
        or Code.Initblk or Code.Cpobj;

    private static bool IsValueLoad(Code code) => code is Code.Ldind_I or Code.Ldind_I1 or Code.Ldind_I2 or Code.Ldind_I4
        or Code.Ldind_I8 or Code.Ldind_R4 or Code.Ldind_R8 or Code.Ldind_Ref or Code.Ldind_U1 or Code.Ldind_U2 or Code.Ldind_U4
        or Code.Ldobj or Code.Ldfld or Code.Ceq or Code.Cgt or Code.Cgt_Un or Code.Clt or Code.Clt_Un or Code.Ldlen;

    private static VariableDefinition? Local(MethodDefinition method, Instruction ins) => ins.OpCode.Code switch
    {
        Code.Ldloc_0 or Code.Stloc_0 => method.Body.Variables[0],
        Code.Ldloc_1 or Code.Stloc_1 => method.Body.Variables[1],
        Code.Ldloc_2 or Code.Stloc_2 => method.Body.Variables[2],
        Code.Ldloc_3 or Code.Stloc_3 => method.Body.Variables[3],
        _ => ins.Operand as VariableDefinition,
    };

    private static int Pops(Instruction ins, MethodDefinition method) => ins.OpCode.StackBehaviourPop switch
    {
        StackBehaviour.Pop0 => 0,
        StackBehaviour.Pop1 or StackBehaviour.Popi or StackBehaviour.Popref => 1,
        StackBehaviour.Pop1_pop1 or StackBehaviour.Popi_pop1 or StackBehaviour.Popi_popi or StackBehaviour.Popi_popi8
            or StackBehaviour.Popi_popr4 or StackBehaviour.Popi_popr8 or StackBehaviour.Popref_pop1 or StackBehaviour.Popref_popi => 2,
        StackBehaviour.Popi_popi_popi or StackBehaviour.Popref_popi_popi or StackBehaviour.Popref_popi_popi8
            or StackBehaviour.Popref_popi_popr4 or StackBehaviour.Popref_popi_popr8 or StackBehaviour.Popref_popi_popref => 3,
        StackBehaviour.Varpop when ins.OpCode.Code == Code.Ret => method.ReturnType.MetadataType == MetadataType.Void ? 0 : 1,
        _ => -1, // PopAll (leave) and anything unexpected: the stack is emptied
    };

    private static int Pushes(Instruction ins) => ins.OpCode.StackBehaviourPush switch
    {
        StackBehaviour.Push0 => 0,
        StackBehaviour.Push1_push1 => 2,
        _ => 1,
    };
}
