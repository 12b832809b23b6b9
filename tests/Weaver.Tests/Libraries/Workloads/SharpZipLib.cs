// A workload of ours for SharpZipLib (compression): GZip, BZip2, raw deflate, a Zip archive and a Tar archive, each
// written and read back; the result names sizes and checksums, so any difference between the woven and the unwoven
// library shows. InflateInto drives the library through its public API into a buffer the caller owns (the deny test
// protects that buffer as a host region).
using System;
using System.IO;
using System.Text;
using ICSharpCode.SharpZipLib.BZip2;
using ICSharpCode.SharpZipLib.Checksum;
using ICSharpCode.SharpZipLib.GZip;
using ICSharpCode.SharpZipLib.Tar;
using ICSharpCode.SharpZipLib.Zip;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace LibraryWorkload;

public static class Program
{
    public static string Run()
    {
        var data = Data(48_000);
        var report = new StringBuilder();

        var gzip = new MemoryStream();
        using (var output = new GZipOutputStream(gzip) { IsStreamOwner = false }) output.Write(data, 0, data.Length);
        report.Append($"gzip {gzip.Length} {Crc(ReadAll(new GZipInputStream(new MemoryStream(gzip.ToArray()))))}\n");

        var bzip = new MemoryStream();
        using (var output = new BZip2OutputStream(bzip) { IsStreamOwner = false }) output.Write(data, 0, data.Length);
        report.Append($"bzip2 {bzip.Length} {Crc(ReadAll(new BZip2InputStream(new MemoryStream(bzip.ToArray()))))}\n");

        var deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.SetInput(data);
        deflater.Finish();
        var packed = new byte[data.Length];
        int packedLength = deflater.Deflate(packed);
        var inflater = new Inflater();
        inflater.SetInput(packed, 0, packedLength);
        var unpacked = new byte[data.Length];
        int unpackedLength = inflater.Inflate(unpacked);
        report.Append($"deflate {packedLength} {unpackedLength} {Crc(unpacked)}\n");

        var zip = new MemoryStream();
        using (var output = new ZipOutputStream(zip) { IsStreamOwner = false })
        {
            for (int i = 0; i < 3; i++)
            {
                output.PutNextEntry(new ZipEntry($"dir/file{i}.txt") { DateTime = new DateTime(2024, 1, 2 + i) });
                output.Write(data, i * 1000, 5000 + i * 777);
            }
        }
        using (var archive = new ZipFile(new MemoryStream(zip.ToArray())))
            foreach (ZipEntry entry in archive)
                report.Append($"zip {entry.Name} {entry.Size} {entry.CompressedSize} {entry.Crc:x8} "
                              + $"{Crc(ReadAll(archive.GetInputStream(entry)))}\n");

        var tar = new MemoryStream();
        using (var output = new TarOutputStream(tar, Encoding.UTF8) { IsStreamOwner = false })
        {
            var header = TarEntry.CreateTarEntry("notes.txt");
            header.Size = 3000;
            header.ModTime = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
            output.PutNextEntry(header);
            output.Write(data, 0, 3000);
            output.CloseEntry();
        }
        using (var input = new TarInputStream(new MemoryStream(tar.ToArray()), Encoding.UTF8))
            for (var entry = input.GetNextEntry(); entry is not null; entry = input.GetNextEntry())
            {
                var content = new MemoryStream();
                input.CopyEntryContents(content);
                report.Append($"tar {entry.Name} {entry.Size} {Crc(content.ToArray())}\n");
            }
        return report.ToString();
    }

    /// <summary>Inflates a deflated copy of the first <c>destination.Length</c> bytes of the data into <paramref name="destination"/>.</summary>
    public static int InflateInto(byte[] destination)
    {
        var data = Data(destination.Length);
        var deflater = new Deflater();
        deflater.SetInput(data);
        deflater.Finish();
        var packed = new byte[data.Length + 64];
        int length = deflater.Deflate(packed);
        var inflater = new Inflater();
        inflater.SetInput(packed, 0, length);
        return inflater.Inflate(destination);
    }

    private static byte[] Data(int length)
    {
        var text = new StringBuilder();
        for (int i = 0; text.Length < length; i++) text.Append($"line {i}: {i * i % 9973} {(i % 7 == 0 ? "seven" : "other")}\n");
        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    private static byte[] ReadAll(Stream stream)
    {
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Crc(byte[] bytes)
    {
        var crc = new Crc32();
        crc.Update(bytes);
        return $"{bytes.Length}:{crc.Value:x8}";
    }
}
