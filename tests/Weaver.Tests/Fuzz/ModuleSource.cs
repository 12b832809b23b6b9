using System.Reflection;
using System.Text;

namespace Weaver.Tests.Fuzz;

/// <summary>
/// Emits the C# of a generated module: one static method <c>C{index}</c> per call, each on its own line (so that
/// a compile error maps back to its call by line), returning the exception the call threw or null. The catch is
/// the module's own: a framework exception from bad arguments is "no write"; a guard violation is handed back
/// to the harness as it is.
/// </summary>
public static class ModuleSource
{
    public const string AssemblyName = "FuzzModule";
    public const string CallsType = "FuzzModule.Calls";

    /// <summary>The first line of the first call method (the lines before it are the fixed prologue).</summary>
    public static int FirstCallLine => Prologue().Split('\n').Length;

    public static string Emit(IEnumerable<(int Index, CallSpec Spec)> calls)
    {
        var s = new StringBuilder(Prologue());
        foreach (var (index, spec) in calls)
            s.Append("        public static object C").Append(index)
             .Append("() { try { ").Append(Statement(spec))
             .Append(" return null; } catch (global::System.Exception e) { return e; } }\n");
        s.Append("    }\n}\n");
        return s.ToString();
    }

    // Everything up to (and including) the line that opens the Calls class.
    private static string Prologue()
    {
        // "using System" only brings the extension methods producers use (AsSpan, AsMemory) into scope; every type
        // name is global:: qualified.
        var s = new StringBuilder("using System;\n\nnamespace FuzzModule\n{\n    public static unsafe class Slots\n    {\n");
        foreach (var (type, name) in ArgumentProducers.Slots)
            s.Append("        public static ").Append(CSharpNames.Of(type)).Append(' ').Append(name).Append(";\n");
        s.Append("        public static byte* Scratch = (byte*)global::System.Runtime.InteropServices.NativeMemory")
         .Append(".AllocZeroed(4096);\n    }\n\n    public static unsafe class Calls\n    {\n");
        return s.ToString();
    }

    /// <summary>The C# statement that makes the call.</summary>
    public static string Statement(CallSpec c)
    {
        var m = c.Member;
        var args = m.Parameters.Select((p, i) => Argument(p, c.Args[i])).ToList();
        string receiver = c.Receiver is null ? "" : "((" + CSharpNames.Of(m.On) + ")(" + c.Receiver.Expr + "))";
        string type = CSharpNames.Of(m.On);
        switch (m.Kind)
        {
            case MemberKind.Constructor:
                return "_ = new " + type + "(" + string.Join(", ", args) + ");";
            case MemberKind.StaticSetter:
                return type + ".@" + m.Method.Name[4..] + " = " + args[^1] + ";";
            case MemberKind.Setter:
                return receiver + ".@" + m.Method.Name[4..] + " = " + args[^1] + ";";
            case MemberKind.IndexerSetter:
                return receiver + "[" + string.Join(", ", args[..^1]) + "] = " + args[^1] + ";";
        }
        var method = (MethodInfo)m.Method;
        var name = "@" + method.Name + (method.IsGenericMethod
            ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => CSharpNames.Of(a))) + ">" : "");
        var call = (m.Kind == MemberKind.Static ? type : receiver) + "." + name + "(" + string.Join(", ", args) + ")";
        return (method.ReturnType == typeof(void) ? "" : "_ = ") + call + ";";
    }

    // By-value arguments are cast to the parameter's exact type so that overload resolution picks the member the
    // grammar chose; ref/out/in arguments are variables of exactly the element type.
    private static string Argument(ParameterInfo p, Producer a) =>
        a.IsRef ? CSharpNames.Modifier(p) + a.Expr : "(" + CSharpNames.Of(p.ParameterType) + ")(" + a.Expr + ")";
}
