using System.Reflection;
using System.Security.Cryptography;
using KcrRuntime;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Memoize;

/// <summary>
/// Weaves the real src/DriverSamples/KcrSamples and compares its memoized kernels with the hand-woven ones
/// (src/DriverSamples/KcrSamples.HandWoven, a trusted baseline that calls the KCR ABI itself and is never woven).
/// </summary>
[Collection(KcrStateCollection.Name)]
public class KcrSamplesTests
{
    private static string? FindSamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var bin = Path.Combine(dir.FullName, "src", "DriverSamples", "KcrSamples", "bin");
            if (!Directory.Exists(bin)) continue;
            return Directory.EnumerateFiles(bin, "KcrSamples.dll", SearchOption.AllDirectories)
                .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        }
        return null;
    }

    [Theory]
    [InlineData(GuardKinds.None)]
    [InlineData(GuardKinds.All)]
    public void Woven_samples_match_the_hand_woven_kernels(GuardKinds guards)
    {
        var built = FindSamples();
        Assert.True(built is not null, "KcrSamples.dll not found; build src/DriverSamples/KcrSamples first");
        var dir = SnippetCompiler.NewDirectory("KcrSamples" + guards);
        var dll = Path.Combine(dir, "KcrSamples.dll");
        File.Copy(built, dll);
        if (File.Exists(Path.ChangeExtension(built, ".pdb"))) File.Copy(Path.ChangeExtension(built, ".pdb"), Path.ChangeExtension(dll, ".pdb"));
        var output = Path.Combine(dir, "woven", "KcrSamples.dll");
        var result = new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = output, Guards = guards });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(
            ["KcrSamples.CryptoKernels::AesEncryptBlock(System.Byte[])", "KcrSamples.CryptoKernels::Sha256(System.Byte[])",
             "KcrSamples.MemoryKernels::CopyBuffer(System.Byte[])", "KcrSamples.NetworkKernels::Crc32Of(System.Byte[])",
             "KcrSamples.NetworkKernels::InternetChecksum(System.Byte[])", "KcrSamples.NondeterministicKernels::NextTicket(System.Int32)"],
            result.Report.Memoized.Order(StringComparer.Ordinal));

        var asm = Woven.Load(output);
        var random = new Random(42);
        var packets = Enumerable.Range(0, 16).Select(i => { var p = new byte[i == 0 ? 16 : random.Next(1, 1500)]; random.NextBytes(p); return p; }).ToList();
        var block = packets[0];
        for (int round = 0; round < 5; round++)
        {
            Assert.Equal(KcrSamples.HandWovenKernels.AesEncryptBlock(block), (byte[])Call(asm, "CryptoKernels", "AesEncryptBlock", block));
            foreach (var p in packets)
            {
                Assert.Equal(SHA256.HashData(p), (byte[])Call(asm, "CryptoKernels", "Sha256", p));
                Assert.Equal(KcrSamples.HandWovenKernels.Sha256(p), (byte[])Call(asm, "CryptoKernels", "Sha256", p));
                Assert.Equal((object)KcrSamples.HandWovenKernels.InternetChecksum(p), Call(asm, "NetworkKernels", "InternetChecksum", p));
                Assert.Equal((object)KcrSamples.HandWovenKernels.Crc32Of(p), Call(asm, "NetworkKernels", "Crc32Of", p));
                Assert.Equal(p, (byte[])Call(asm, "MemoryKernels", "CopyBuffer", p));
            }
        }
        var sha = Kcr.Tables.Last(t => t.MethodName == "KcrSamples.CryptoKernels::Sha256(System.Byte[])");
        Assert.Equal(LearningState.Serving, sha.State);
        Assert.True(sha.GetStatistics().Hits > 0, sha.GetStatistics().ToString());

        // NextTicket writes the counter it reads: every call invalidates its own table, so nothing is ever replayed.
        var tickets = Enumerable.Range(0, 8).Select(_ => (long)Call(asm, "NondeterministicKernels", "NextTicket", 3)).ToList();
        Assert.Equal(tickets.Count, tickets.Distinct().Count());
        Assert.Equal(0, Kcr.Tables.Last(t => t.MethodName == "KcrSamples.NondeterministicKernels::NextTicket(System.Int32)").GetStatistics().Hits);
    }

    private static object Call(Assembly asm, string type, string method, params object[] args) =>
        Woven.Call(asm, $"KcrSamples.{type}.{method}", args)!;
}
