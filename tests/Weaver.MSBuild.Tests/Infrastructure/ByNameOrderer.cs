using Xunit.Abstractions;
using Xunit.Sdk;

namespace Weaver.MSBuild.Tests.Infrastructure;

/// <summary>Runs a class's tests in the order of their method names (S1_, S2_, ...): the integration steps share one project.</summary>
public sealed class ByNameOrderer : ITestCaseOrderer
{
    public const string TypeName = "Weaver.MSBuild.Tests.Infrastructure.ByNameOrderer";
    public const string AssemblyName = "Weaver.MSBuild.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
