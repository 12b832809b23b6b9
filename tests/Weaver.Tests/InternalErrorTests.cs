using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests;

/// <summary>A crash of the weaver is reported as the weaver's (WVR0099), never as a problem of the input.</summary>
public class InternalErrorTests
{
    private sealed class CrashingStep : IWeaveStep
    {
        public void Run(WeaveContext context) => throw new NullReferenceException("simulated weaver bug");
    }

    [Fact]
    public void A_crashing_step_gives_WVR0099_naming_the_step_and_writes_nothing()
    {
        var input = BadInputTests.SmallDll.Value;
        var output = Path.Combine(SnippetCompiler.NewDirectory("internal-error"), "out.dll");
        var result = new WeavePipeline([new LoadStep(), new CrashingStep(), new WriteStep()])
            .Run(new WeaveOptions { InputPath = input, OutputPath = output });
        Assert.False(result.Succeeded);
        Assert.True(result.InternalError);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.InternalError, error.Code);
        Assert.Contains("CrashingStep", error.Message);
        Assert.Contains("weaver bug", error.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Bad_input_is_not_an_internal_error()
    {
        var missing = Path.Combine(SnippetCompiler.NewDirectory("internal-error-missing"), "none.dll");
        var result = new WeavePipeline().Run(new WeaveOptions { InputPath = missing, OutputPath = missing });
        Assert.False(result.Succeeded);
        Assert.False(result.InternalError);
    }
}
