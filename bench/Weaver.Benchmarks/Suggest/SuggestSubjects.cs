using System.Reflection;

namespace Weaver.Benchmarks.Suggest;

/// <summary>
/// One assembly the suggestion evaluation runs on: where it is, the person's picks to compare with (the
/// <c>[Memoize]</c> methods, or what a benchmark memoizes by hand), and a workload that uses it, built against a loaded
/// copy (the woven and the unwoven copies are separate assemblies in separate load contexts, so the workload binds
/// by reflection, once, into delegates).
/// </summary>
internal sealed record SuggestSubject(string Name, string Dll, IReadOnlyList<string> PersonsPicks, Func<Assembly, Action>? Workload)
{
    public static IReadOnlyList<SuggestSubject> All()
    {
        string Beside(string file) => Path.Combine(AppContext.BaseDirectory, file);
        return
        [
            new("KcrSamples", Beside("KcrSamples.dll"),
                ["KcrSamples.CryptoKernels::AesEncryptBlock", "KcrSamples.CryptoKernels::Sha256", "KcrSamples.MemoryKernels::CopyBuffer",
                 "KcrSamples.NetworkKernels::InternetChecksum", "KcrSamples.NetworkKernels::Crc32Of", "KcrSamples.NondeterministicKernels::NextTicket"],
                KcrSamplesWorkload),
            new("E1000e driver", Beside("E1000e.dll"), Driver.DriverCopies.MemoizedMethods, null),
            new("Markdig 1.6.0", Beside("Markdig.dll"), [], MarkdigWorkload),
            new("Humanizer 3.0.10", Beside("Humanizer.dll"), [], HumanizerWorkload),
            new("NodaTime 3.3.7", Beside("NodaTime.dll"), [], NodaTimeWorkload),
            new("MoreLinq 4.4.0", Beside("MoreLinq.dll"), [], null),
        ];
    }

    // 64 distinct packets, each used 16 times: the subsystem table's repeat pattern.
    private static Action KcrSamplesWorkload(Assembly assembly)
    {
        var random = new Random(42);
        var packets = Enumerable.Range(0, 64).Select(_ => { var p = new byte[1500]; random.NextBytes(p); return p; }).ToArray();
        var blocks = Enumerable.Range(0, 64).Select(_ => { var p = new byte[16]; random.NextBytes(p); return p; }).ToArray();
        var sha = Static<Func<byte[], byte[]>>(assembly, "KcrSamples.CryptoKernels", "Sha256");
        var aes = Static<Func<byte[], byte[]>>(assembly, "KcrSamples.CryptoKernels", "AesEncryptBlock");
        var csum = Static<Func<byte[], ushort>>(assembly, "KcrSamples.NetworkKernels", "InternetChecksum");
        var crc = Static<Func<byte[], uint>>(assembly, "KcrSamples.NetworkKernels", "Crc32Of");
        return () =>
        {
            for (int i = 0; i < 1024; i++)
            {
                var p = packets[i % 64];
                sha(p);
                csum(p);
                crc(p);
                aes(blocks[i % 64]);
            }
        };
    }

    // Twenty documents with tables, emphasis, links and lists, each rendered eight times with the advanced extensions.
    private static Action MarkdigWorkload(Assembly assembly)
    {
        var builderType = assembly.GetType("Markdig.MarkdownPipelineBuilder", true)!;
        var builder = Activator.CreateInstance(builderType)!;
        assembly.GetType("Markdig.MarkdownExtensions", true)!.GetMethod("UseAdvancedExtensions")!.Invoke(null, [builder]);
        var pipeline = builderType.GetMethod("Build")!.Invoke(builder, null);
        var toHtml = assembly.GetType("Markdig.Markdown", true)!.GetMethods()
            .Single(m => m.Name == "ToHtml" && m.GetParameters() is [{ ParameterType: var t }, _, _] && t == typeof(string));
        var documents = Enumerable.Range(0, 20).Select(i =>
            $"# Report {i}\n\nSome *emphasis* and **strong** text with a [link](https://example.com/{i}) and `code`.\n\n" +
            "| name | value | note |\n|---|---:|:---:|\n" + string.Concat(Enumerable.Range(0, 12).Select(r => $"| row {r} | {r * i} | n{r % 3} |\n")) +
            "\n- first item\n- second item with MMXXVI\n  1. nested\n\n> quoted\n").ToArray();
        return () =>
        {
            for (int k = 0; k < 8; k++)
                foreach (var document in documents) toHtml.Invoke(null, [document, pipeline, null]);
        };
    }

    // Truncation, humanised strings and numbers in words, with repeats (the same inputs come back).
    private static Action HumanizerWorkload(Assembly assembly)
    {
        var truncateExtensions = assembly.GetType("Humanizer.TruncateExtensions", true)!;
        var truncate = truncateExtensions.GetMethods().First(m => m.Name == "Truncate" && m.GetParameters().Length == 4
            && m.GetParameters()[2].ParameterType.Name == "ITruncator");
        var truncator = assembly.GetType("Humanizer.Truncator", true)!.GetProperty("FixedNumberOfWords")!.GetValue(null);
        var truncateFrom = Enum.ToObject(assembly.GetType("Humanizer.TruncateFrom", true)!, 1);
        var humanize = assembly.GetType("Humanizer.StringHumanizeExtensions", true)!.GetMethods()
            .First(m => m.Name == "Humanize" && m.GetParameters().Length == 1);
        var words = assembly.GetType("Humanizer.NumberToWordsExtension", true)!.GetMethods()
            .First(m => m.Name == "ToWords" && m.GetParameters() is [{ ParameterType: var p }, { ParameterType: var c }] && p == typeof(int)
                        && c == typeof(System.Globalization.CultureInfo));
        var texts = Enumerable.Range(0, 16).Select(i => $"The quick brown fox number {i} jumps over the lazy dog again and again").ToArray();
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return () =>
        {
            for (int k = 0; k < 16; k++)
                for (int i = 0; i < texts.Length; i++)
                {
                    truncate.Invoke(null, [texts[i], 5, truncator, truncateFrom]);
                    humanize.Invoke(null, ["SomeTitleCase_string_" + (i % 4)]);
                    words.Invoke(null, [i * 37 + k % 2, culture]);
                }
        };
    }

    // Dates built, shifted and compared, over a few years of months (repeated).
    private static Action NodaTimeWorkload(Assembly assembly)
    {
        var localDate = assembly.GetType("NodaTime.LocalDate", true)!;
        var ctor = localDate.GetConstructor([typeof(int), typeof(int), typeof(int)])!;
        var plusDays = localDate.GetMethod("PlusDays")!;
        var dayOfWeek = localDate.GetProperty("DayOfWeek")!;
        var between = assembly.GetType("NodaTime.Period", true)!.GetMethods()
            .First(m => m.Name == "Between" && m.GetParameters() is [{ ParameterType: var a }, { ParameterType: var b }] && a == localDate && b == localDate);
        return () =>
        {
            for (int k = 0; k < 4; k++)
                for (int year = 2000; year < 2010; year++)
                    for (int month = 1; month <= 12; month++)
                    {
                        var date = ctor.Invoke([year, month, 1]);
                        var later = plusDays.Invoke(date, [40]);
                        dayOfWeek.GetValue(later);
                        between.Invoke(null, [date, later]);
                    }
        };
    }

    private static T Static<T>(Assembly assembly, string type, string method) where T : Delegate =>
        assembly.GetType(type, true)!.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<T>();
}
