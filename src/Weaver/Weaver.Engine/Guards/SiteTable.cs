using GuardRuntime;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Weaver.Engine.Guards;

/// <summary>Numbers the guarded instructions of a module and records where each is in the source.</summary>
internal sealed class SiteTable
{
    private readonly List<GuardSite> sites = [];

    public IReadOnlyList<GuardSite> Sites => sites;

    /// <summary>Adds a site for the instruction at <paramref name="ilOffset"/> (its offset in the original body).</summary>
    public int Add(MethodDefinition method, int ilOffset, int targetId, SourceLines lines)
    {
        var (document, line) = lines.At(ilOffset);
        var id = sites.Count;
        sites.Add(new GuardSite(id, TypeNames.Method(method), ilOffset, document, line, targetId));
        return id;
    }
}

/// <summary>The source line of an IL offset, from the method's sequence points (the nearest one at or before it).</summary>
internal sealed class SourceLines
{
    private readonly (int Offset, string Document, int Line)[] points;

    public SourceLines(MethodDefinition method)
    {
        points = method.DebugInformation.HasSequencePoints
            ? method.DebugInformation.SequencePoints.Where(p => !p.IsHidden)
                .Select(p => (p.Offset, p.Document.Url, p.StartLine)).OrderBy(p => p.Offset).ToArray()
            : [];
    }

    public (string? Document, int Line) At(int ilOffset)
    {
        (string? Document, int Line) best = (null, 0);
        foreach (var p in points)
        {
            if (p.Offset > ilOffset) break;
            best = (p.Document, p.Line);
        }
        return best;
    }
}
