using System.Text;
using GuardRuntime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests;

/// <summary>
/// Inputs the weaver must refuse (or pass through), through the real CLI: the exit code, one error line with the
/// code that names the problem, the input byte-for-byte unchanged, and no output or temporary file left behind.
/// </summary>
public class BadInputTests
{
    private const string Small = """
        public class Cred { public int Uid = 1000; }
        public static class Program {
            public static Cred C = new Cred();
            public static int Run(int v) {
                C.Uid = v;
                return C.Uid;
            }
        }
        """;

    internal static readonly Lazy<string> SmallDll = new(() => SnippetCompiler.Compile(Small, "SmallInput"));

    /// <summary>Weaves <paramref name="input"/> into a fresh folder; checks failure, the code and text, and that nothing changed or was left behind.</summary>
    private static WeaverCli.Result Refused(string input, string code, params string[] mentions)
    {
        var inputHash = File.Exists(input) ? WeaverCli.Hash(input) : null;
        var outDir = SnippetCompiler.NewDirectory("refused-out");
        var output = Path.Combine(outDir, "out.dll");
        var r = WeaverCli.Run("weave", input, "-o", output);
        Assert.True(r.ExitCode == 1, r.ToString());
        var errors = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.Contains(": error ")).ToList();
        var line = Assert.Single(errors);
        Assert.Contains($"error {code}:", line);
        foreach (var m in mentions) Assert.Contains(m, line);
        Assert.DoesNotContain("Unhandled exception", r.Err);
        if (inputHash is not null) Assert.Equal(inputHash, WeaverCli.Hash(input));
        Assert.Empty(Directory.GetFiles(outDir));
        if (Path.GetDirectoryName(input) is { } inputDir && Directory.Exists(inputDir))
            Assert.Empty(Directory.GetFiles(inputDir, "*.tmp"));
        return r;
    }

    internal static string CopyTo(string source, string hint, string name)
    {
        var path = Path.Combine(SnippetCompiler.NewDirectory(hint), name);
        File.Copy(source, path);
        return path;
    }

    [Fact]
    public void Missing_file() => Refused(Path.Combine(SnippetCompiler.NewDirectory("missing"), "nothing-here.dll"), "WVR0001", "nothing-here.dll", "does not exist");

    [Fact]
    public void A_directory() => Refused(SnippetCompiler.NewDirectory("a-directory"), "WVR0001", "directory");

    [Fact]
    public void A_text_file()
    {
        var path = Path.Combine(SnippetCompiler.NewDirectory("text"), "notes.dll");
        File.WriteAllText(path, "this is not an assembly\n");
        Refused(path, "WVR0002", "not a .NET assembly");
    }

    [Fact]
    public void A_native_ELF_executable()
    {
        var ls = File.Exists("/bin/ls") ? "/bin/ls" : Environment.ProcessPath!;
        Refused(CopyTo(ls, "elf", "ls.dll"), "WVR0002", "not a .NET assembly");
    }

    [Fact]
    public void A_truncated_image()
    {
        var bytes = File.ReadAllBytes(SmallDll.Value);
        var path = Path.Combine(SnippetCompiler.NewDirectory("truncated"), "Truncated.dll");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Refused(path, "WVR0002", "truncated or corrupt");
    }

    public static TheoryData<string> Corruptions => ["signature", "stream-names", "table-rows", "heap-sizes"];

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_corrupt_metadata_image(string how)
    {
        var bytes = File.ReadAllBytes(SmallDll.Value);
        int root = IndexOf(bytes, "BSJB"u8);
        Assert.True(root > 0);
        switch (how)
        {
            case "signature": // the metadata root's magic
                bytes[root] ^= 0xFF;
                break;
            case "stream-names": // "#~" and "#Strings" become unknown streams
                foreach (var name in new[] { "#~"u8.ToArray(), "#Strings"u8.ToArray() })
                    bytes[IndexOf(bytes, name, root) + 1] ^= 0x20;
                break;
            case "table-rows": // the row counts of the first tables (Module, TypeRef, TypeDef...) become huge
            {
                int tables = TablesStream(bytes, root);
                for (int i = 24; i < 24 + 4 * 6; i++) bytes[tables + i] = 0x7F;
                break;
            }
            case "heap-sizes": // every heap index claims 4 bytes and every table is marked present
            {
                int tables = TablesStream(bytes, root);
                bytes[tables + 6] = 0xFF;
                for (int i = 8; i < 16; i++) bytes[tables + i] = 0xFF;
                break;
            }
        }
        var path = Path.Combine(SnippetCompiler.NewDirectory("corrupt-" + how), "Corrupt.dll");
        File.WriteAllBytes(path, bytes);
        Refused(path, "WVR0002", "Corrupt.dll");
    }

    [Fact]
    public void An_unresolvable_reference_names_the_method_and_IL_offset()
    {
        var b = SnippetCompiler.Compile("namespace Lib { public struct Point { public int X; public int Y; } }", "LibB");
        var a = SnippetCompiler.Compile("""
            namespace App {
                public static class UsesB {
                    public static void Move(ref Lib.Point p, int x) { p.X = x; }
                }
            }
            """, "AppA", extraReferences: [b]);
        var copyOfB = Path.Combine(Path.GetDirectoryName(a)!, "LibB.dll");
        File.Copy(b, copyOfB);
        var ok = WeaverCli.Run("weave", a, "-o", Path.Combine(SnippetCompiler.NewDirectory("resolved"), "AppA.dll"));
        Assert.True(ok.ExitCode == 0, ok.ToString());

        File.Delete(copyOfB);
        Refused(a, "WVR0003", "Lib.Point", "LibB", "App.UsesB::Move", "IL_");
    }

    [Theory]
    [InlineData("metadata-only")]          // Roslyn metadataOnly: 'throw null' bodies, private members kept, no attribute
    [InlineData("metadata-only-public")]   // metadataOnly without private members: Roslyn adds [ReferenceAssembly]
    [InlineData("attribute")]              // real bodies, but marked [ReferenceAssembly]
    public void A_reference_assembly(string how)
    {
        var source = (how == "attribute" ? "[assembly: System.Runtime.CompilerServices.ReferenceAssembly]\n" : "") + Small;
        var path = Path.Combine(SnippetCompiler.NewDirectory("refasm-" + how), "RefAsm.dll");
        var compilation = CSharpCompilation.Create("RefAsm", [CSharpSyntaxTree.ParseText(source)],
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)).Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var options = how switch
        {
            "metadata-only" => new EmitOptions(metadataOnly: true),
            "metadata-only-public" => new EmitOptions(metadataOnly: true, includePrivateMembers: false),
            _ => new EmitOptions(),
        };
        using (var stream = File.Create(path))
            Assert.True(compilation.Emit(stream, options: options).Success);
        Refused(path, "WVR0004", "reference assembly");
    }

    [Fact]
    public void A_module_that_calls_the_guard_ABI_itself()
    {
        var forged = SnippetCompiler.Compile("""
            public static class Forger {
                public static int X;
                public static void Sneak() { GuardRuntime.Guard.StoreStatic(0, 0, null); X = 1; }
            }
            """, "Forger");
        Refused(forged, "WVR0007", "Forger::Sneak", "GuardRuntime.Guard");
    }

    [Fact]
    public void An_already_woven_file_is_a_silent_no_op()
    {
        var woven = StoreForms.Optimized.WovenPath;
        var before = WeaverCli.Hash(woven);
        var output = Path.Combine(SnippetCompiler.NewDirectory("rewoven"), "StoreForms.dll");
        var r = WeaverCli.Run("weave", woven, "-o", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("message WVR0100", r.Out);
        Assert.DoesNotContain("warning", r.All);
        Assert.Equal(before, WeaverCli.Hash(woven));
        Assert.Equal(before, WeaverCli.Hash(output));

        // In place too: nothing changes, and there are still exactly as many guards.
        var inPlace = CopyTo(woven, "rewoven-in-place", "StoreForms.dll");
        var again = WeaverCli.Run("weave", inPlace);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(before, WeaverCli.Hash(inPlace));
        var inspect = WeaverCli.Run("inspect", "--require-guarded", inPlace);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        Assert.Equal(WeaverCli.Run("inspect", woven).Out.Replace(woven, ""), inspect.Out.Replace(inPlace, ""));
    }

    [Fact]
    public void An_unwritable_output_fails_without_touching_the_input()
    {
        var input = SmallDll.Value;
        var hash = WeaverCli.Hash(input);
        var blocker = Path.Combine(SnippetCompiler.NewDirectory("blocked"), "file");
        File.WriteAllText(blocker, "");
        var r = WeaverCli.Run("weave", input, "-o", Path.Combine(blocker, "out.dll")); // a file where a folder must be
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("WVR0005", r.Err);
        Assert.Equal(hash, WeaverCli.Hash(input));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(blocker)!, "*.tmp"));
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> what, int from = 0)
    {
        var i = bytes.AsSpan(from).IndexOf(what);
        return i < 0 ? -1 : from + i;
    }

    // The #~ stream's offset (from the metadata root) is in its stream header: offset, size, name.
    private static int TablesStream(byte[] bytes, int root)
    {
        int name = IndexOf(bytes, "#~\0"u8, root);
        return root + BitConverter.ToInt32(bytes, name - 8);
    }
}

/// <summary>Weaving in place through the CLI, then running the result under a policy.</summary>
[Collection(GuardStateCollection.Name)]
public class InPlaceWeaveTests
{
    [Fact]
    public void Weaving_in_place_rewrites_the_PDB_so_violations_have_the_right_line()
    {
        var dll = BadInputTests.CopyTo(BadInputTests.SmallDll.Value, "in-place", "SmallInput.dll");
        File.Copy(Path.ChangeExtension(BadInputTests.SmallDll.Value, ".pdb"), Path.ChangeExtension(dll, ".pdb"));
        var pdbBefore = WeaverCli.Hash(Path.ChangeExtension(dll, ".pdb"));
        var r = WeaverCli.Run("weave", dll);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.NotEqual(pdbBefore, WeaverCli.Hash(Path.ChangeExtension(dll, ".pdb")));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(dll)!, "*.tmp"));
        Assert.Equal(0, WeaverCli.Run("inspect", "--require-guarded", dll).ExitCode);

        var woven = Woven.Load(dll);
        Assert.Equal(7, Woven.Call(woven, "Program.Run", 7));
        using var _ = PolicyScope.Install(Deny.Field("SmallInput", "Cred::Uid"));
        var e = Assert.Throws<GuardViolationException>(() => Woven.Call(woven, "Program.Run", 0));
        Assert.Contains("Program::Run(Int32)", e.Message);
        Assert.Contains("SmallInput.cs:5)", e.Message);
        // The stack trace comes from the rewritten PDB: the woven method's frame is on the store's line.
        Assert.Contains("SmallInput.cs:line 5", e.StackTrace);
    }
}
