using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Diagnostics;

/// <summary>
/// A delegate to a checked framework writer is refused at the site that makes it (WVR0010 naming method and IL
/// offset), not left for the load-time verifier to reject as a weaver bug (WVR0303); pure members stay delegates.
/// </summary>
public sealed class CheckedDelegateTests
{
    private static readonly string CaseFile =
        Path.Combine(AppContext.BaseDirectory, "Diagnostics", "Cases", "CheckedDelegates.cs");

    private static readonly Lazy<string> Module = new(() => SnippetCompiler.CompileFiles([CaseFile], "Delegates"));

    [Fact]
    public void Each_delegate_to_a_checked_writer_is_refused_at_its_site_and_pure_members_are_not()
    {
        var output = Path.Combine(Path.GetDirectoryName(Module.Value)!, "woven", Guid.NewGuid().ToString("n") + ".dll");
        var result = new WeavePipeline().Run(new WeaveOptions { InputPath = Module.Value, OutputPath = output });

        Assert.False(result.Succeeded);
        Assert.False(result.InternalError, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "WVR0303");
        var refused = result.Diagnostics.Where(d => d.Code == DiagnosticCodes.UncheckableApi).ToList();
        foreach (var (method, api) in new[]
                 {
                     ("CopyArrays", "System.Array::Copy"), ("ReadInto", "System.IO.Stream::Read"),
                     ("ClearArray", "System.Array::Clear"),
                 })
            Assert.Contains(refused, d => d.Message.Contains($"Delegates.Cases::{method}(") && d.Message.Contains(api)
                                          && d.Message.Contains("takes a delegate to") && d.Message.Contains("IL_"));
        Assert.DoesNotContain(refused, d => d.Message.Contains("Delegates.Cases::Parse("));
        Assert.False(File.Exists(output));
    }
}
