using GuardRuntime;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Diagnostics;

/// <summary>
/// Sites and diagnostics name an instruction by its offset in the input, whichever step found it. The guard step
/// re-optimises every body it guards, so a later step (call checks, refusals) that read <c>Instruction.Offset</c> saw
/// an offset in the half-woven body: a site then lay past the end of the woven body (SharpZipLib's ZipEntry copy
/// constructor; the load-time verifier rejects such a site), and a refusal pointed where the input has no such
/// instruction.
/// </summary>
public sealed class OriginalOffsetTests
{
    // Field stores (guarded first, growing the body) before framework calls whose destinations are checked and a
    // refused call, all in one method.
    private const string Source = """
        public sealed class Entry
        {
            public string Name; public long Size; public long Crc; public int Flags; public byte[] Extra; public byte[] Copy;
            public Entry(Entry other)
            {
                Name = other.Name; Size = other.Size; Crc = other.Crc; Flags = other.Flags;
                if (other.Extra != null) { Extra = new byte[other.Extra.Length]; System.Array.Copy(other.Extra, Extra, Extra.Length); }
                Copy = (byte[])other.Extra?.Clone();
                if (Size > 4) System.Environment.Exit(3);
            }
        }
        """;

    [Fact]
    public void Every_site_of_a_woven_module_names_an_instruction_of_the_input_at_its_original_offset()
    {
        // Without the refused call: a module the verifier must accept as it is.
        var dll = SnippetCompiler.Compile(Source.Replace("if (Size > 4) System.Environment.Exit(3);", ""), "OffsetsSites");
        var output = Path.Combine(Path.GetDirectoryName(dll)!, "woven", "OffsetsSites.dll");
        var result = new WeavePipeline().Run(new WeaveOptions
        {
            InputPath = dll, OutputPath = output, Verify = true,
        });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.VerifierAccepted);

        var manifest = PolicyChecker.ReadManifest(output)!;
        var originals = Offsets(dll);
        Assert.NotEmpty(manifest.Sites);
        foreach (var site in manifest.Sites)
            Assert.True(originals.TryGetValue(site.Method, out var offsets) && offsets.Contains(site.ILOffset),
                $"site {site} is at no instruction of the input's {site.Method}");
    }

    [Fact]
    public void A_refusal_found_after_the_guard_step_names_the_call_at_its_offset_in_the_input()
    {
        var dll = SnippetCompiler.Compile(Source, "OffsetsRefusal");
        var result = new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = dll + ".out.dll" });
        var refusal = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.UncheckableApi);
        using var module = ModuleDefinition.ReadModule(dll);
        var ctor = module.GetType("Entry").Methods.Single(m => m.IsConstructor);
        var exit = ctor.Body.Instructions.Single(i => i.Operand is MethodReference { Name: "Exit" });
        Assert.Equal(exit.Offset, refusal.ILOffset);
        Assert.Contains($"at IL_{exit.Offset:x4} calls System.Environment::Exit", refusal.Message);
    }

    private static Dictionary<string, HashSet<int>> Offsets(string dll)
    {
        using var module = ModuleDefinition.ReadModule(dll);
        return module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody)
            .ToDictionary(m => Weaver.Engine.Guards.TypeNames.Method(m), m => m.Body.Instructions.Select(i => i.Offset).ToHashSet());
    }
}
