using Weaver.Engine.Diagnostics;

namespace Weaver.Tests.Libraries;

/// <summary>
/// Every library of the catalogue, woven with default options (no --allow-unchecked): it weaves and the host's
/// verifier accepts it, or it is refused in one run, without any crash of the weaver, and only for the reasons
/// recorded in <c>Libraries/refusals.txt</c> (the README lists them grouped; they shrink as refusals become checks).
/// A refusal not recorded there fails the test: nobody finds out about a new one from a user.
/// </summary>
public sealed class DefaultOptionsTests
{
    private static readonly string RecordFile = Path.Combine(AppContext.BaseDirectory, "Libraries", "refusals.txt");

    public static TheoryData<string> Libraries()
    {
        var data = new TheoryData<string>();
        foreach (var library in LibraryCatalogue.All) data.Add(library.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Weaves_with_default_options_or_is_refused_only_for_recorded_reasons_in_one_run(string name)
    {
        var weave = LibraryWeave.Of(LibraryCatalogue.Named(name));
        foreach (var (assembly, result) in weave.Results)
        {
            // A crash of the weaver, or a woven module the verifier rejects, is a weaver bug whatever the library.
            Assert.False(result.InternalError, $"{assembly}: " + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
            if (result.Succeeded)
                Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.VerifierAccepted);
            else if (result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error) > 1)
                Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.RefusalSummary);
            else // one refusal is its own summary (RefusalSummary groups two or more)
                Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.RefusalSummary);
        }

        var recorded = Recorded().Where(r => r.Library == name).Select(r => r.Reason).ToHashSet(StringComparer.Ordinal);
        var reasons = weave.Errors.Select(Reason).ToHashSet(StringComparer.Ordinal);
        var unrecorded = reasons.Except(recorded).Order(StringComparer.Ordinal).ToList();
        Assert.True(unrecorded.Count == 0,
            $"{name} is refused for reasons Libraries/refusals.txt does not record (add them there and to the README " +
            $"with their reason, or make them checks):\n" + string.Join("\n", unrecorded.Select(r => $"{name}\t{r}")));
    }

    [Fact]
    public void The_record_names_only_libraries_of_the_catalogue()
    {
        var names = LibraryCatalogue.All.Select(l => l.Name).ToHashSet();
        Assert.All(Recorded(), r => Assert.Contains(r.Library, names));
    }

    // A refusal's reason: its code and what it refuses (the API, construct or host assembly).
    private static string Reason(WeaverDiagnostic d) => $"{d.Code} {d.Api ?? "(no API)"}";

    private static IEnumerable<(string Library, string Reason)> Recorded() =>
        File.ReadLines(RecordFile)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t', 2))
            .Select(p => (p[0], p[1]));
}
