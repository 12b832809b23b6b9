using GuardRuntime.Effects;
using Mono.Cecil;
using Weaver.Engine.Escapes;
using Xunit.Abstractions;
using Shape = Weaver.Engine.Escapes.EffectPlanner.ParameterShape;

namespace Weaver.Tests.Effects;

/// <summary>
/// Walks every public member of the framework's reference assemblies and proves each one is classified by the effect
/// model or covered by a refusing or conservative default: a new framework version cannot add an unchecked writer.
/// </summary>
public class RefPackCoverageTests(ITestOutputHelper output)
{
    private static readonly Lazy<List<(MethodDefinition Method, CallPlan Plan)>> Plans = new(() =>
    {
        var resolver = RefPack.Resolver();
        return [.. RefPack.PublicMethods(resolver).Select(m => (m, EffectPlanner.Plan(EffectModel.Framework, m, i => m.Parameters[i].ParameterType, m.IsConstructor)))];
    });

    [Fact]
    public void Every_public_member_is_classified_or_covered_by_a_sound_default()
    {
        var unsound = new List<string>();
        foreach (var (method, plan) in Plans.Value)
        {
            if (plan.Refusal is not null) continue;
            var type = EffectSignature.TypeName(method.DeclaringType);
            bool exact = plan.Rule is { IsExact: true };
            bool Named(int i) => plan.Writes.Any(w => w.Dest == i);
            for (int i = 0; i < method.Parameters.Count; i++)
            {
                var p = method.Parameters[i];
                var shape = EffectPlanner.Shape(p.ParameterType, type);
                bool covered = shape switch
                {
                    Shape.Byref => plan.Byrefs.Contains(i) || EffectPlanner.IsReadOnly(p),
                    Shape.Span => plan.Spans.Contains(i) || Named(i),
                    Shape.Pointer => Named(i) || exact || plan.Rule is { ReadsPointers: true },
                    Shape.Array => Named(i) || exact || plan.Objects.Contains(i),
                    Shape.Object => plan.Rule is not null || plan.Objects.Contains(i),
                    Shape.RefStruct => plan.Rule is not null,
                    _ => true,
                };
                if (!covered) unsound.Add($"{type}::{method.Name}({EffectSignature.Of(method)}) parameter {i} ({shape}) is unchecked under {plan.Treatment}");
            }
            bool instance = method.HasThis && !method.IsConstructor;
            if (instance && plan.Rule is null && !plan.ReceiverStruct && !plan.Objects.Contains(EffectExtent.This) && type != "System.String")
                unsound.Add($"{type}::{method.Name}: unclassified and its receiver is unchecked");
        }
        Assert.True(unsound.Count == 0, $"{unsound.Count} unchecked inputs:\n" + string.Join("\n", unsound.Take(40)));

        var byTreatment = Plans.Value.GroupBy(p => p.Plan.Treatment).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}");
        output.WriteLine($"{Plans.Value.Count} public members: " + string.Join(", ", byTreatment));
    }

    [Fact]
    public void Every_exact_row_names_exactly_one_member_and_every_rule_matches_one()
    {
        var members = Plans.Value.Select(p => (Type: EffectSignature.TypeName(p.Method.DeclaringType), p.Method.Name, Sig: EffectSignature.Of(p.Method))).ToList();
        var problems = new List<string>();
        foreach (var rule in EffectModel.Framework.Rules)
        {
            int matches = members.Count(m => rule.Score(m.Type, m.Name, m.Sig) > 0);
            if (rule.IsExact && matches != 1) problems.Add($"line {rule.Line} {rule.TypePattern}::{rule.MemberPattern}: exact row matches {matches} members");
            else if (matches == 0) problems.Add($"line {rule.Line} {rule.TypePattern}::{rule.MemberPattern}: matches no member");
            foreach (var extent in rule.Extents.Where(_ => rule.IsExact))
            {
                var m = Plans.Value.First(p => rule.Score(EffectSignature.TypeName(p.Method.DeclaringType), p.Method.Name, EffectSignature.Of(p.Method)) > 0).Method;
                foreach (var index in new[] { extent.Dest, extent.Start, extent.Count }.Where(i => i >= 0))
                    if (index >= m.Parameters.Count) problems.Add($"line {rule.Line}: extent names parameter {index} of a {m.Parameters.Count}-parameter member");
                if (extent.Dest >= 0 && extent.Kind is ExtentKind.Array && m.Parameters[extent.Dest].ParameterType is not ArrayType
                    && m.Parameters[extent.Dest].ParameterType.FullName != "System.Array")
                    problems.Add($"line {rule.Line}: array extent on parameter {extent.Dest} of type {m.Parameters[extent.Dest].ParameterType.FullName}");
                if (extent.Dest >= 0 && extent.Kind is ExtentKind.Pointer or ExtentKind.PointerSizeOfT
                    && EffectPlanner.Shape(m.Parameters[extent.Dest].ParameterType, rule.TypePattern) is not (Shape.Pointer or Shape.Byref))
                    problems.Add($"line {rule.Line}: pointer extent on parameter {extent.Dest} of type {m.Parameters[extent.Dest].ParameterType.FullName}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Members_the_generator_calls_reflective_are_refused()
    {
        var notRefused = Plans.Value
            .Where(p => EffectProposer.Propose(p.Method).Class == EffectClass.Reflective && p.Plan.Refusal is null
                        && p.Plan.Rule?.Reason?.StartsWith("reviewed:", StringComparison.Ordinal) != true)
            .Select(p => $"{EffectSignature.TypeName(p.Method.DeclaringType)}::{p.Method.Name}").Distinct().ToList();
        Assert.True(notRefused.Count == 0, $"{notRefused.Count} reflective members are not refused:\n" + string.Join("\n", notRefused.Take(40)));
    }

    [Fact]
    public void Proposals_are_written_for_review_and_disagreements_are_counted()
    {
        var lines = new List<string>();
        int disagreements = 0;
        foreach (var (method, plan) in Plans.Value)
        {
            var proposal = EffectProposer.Propose(method);
            var model = plan.Refusal is not null ? "refused" : plan.Rule?.Class.ToString() ?? "unclassified";
            bool differs = proposal.Class == EffectClass.WritesArguments && plan.Rule is { Class: EffectClass.ReadOnly, IsExact: true }
                           && plan.Rule.Reason?.StartsWith("reviewed:", StringComparison.Ordinal) != true;
            if (differs) disagreements++;
            lines.Add($"{proposal.Class,-16} {EffectSignature.TypeName(method.DeclaringType)} {method.Name}({EffectSignature.Of(method)}) "
                      + $"{proposal.Extent} # model: {model}{(differs ? " REVIEW" : "")}");
        }
        var path = Path.Combine(AppContext.BaseDirectory, "framework-effects.proposed.txt");
        File.WriteAllLines(path, lines);
        output.WriteLine($"{lines.Count} proposals written to {path}; {disagreements} exact read-only rows the generator thinks write");
        Assert.True(lines.Count > 10000, "the reference pack looks incomplete");
        Assert.Equal(0, disagreements);
    }
}
