using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;

namespace GuardRuntime.Verification;

/// <summary>
/// The host's load-time verifier: proves from a module's IL alone that every store, writable address, checked call
/// and host call is preceded by exactly the guard ABI's sequence for it, with ids consistent with the module's
/// embedded manifest. It shares nothing with the weaver but the ABI descriptor, so the weaver is not trusted.
/// Rules and limits: the "Load-time verifier" section of the repository README.
/// </summary>
public sealed class ModuleVerifier
{
    /// <summary>The verifier that finds host assemblies where the host loads them (its default context, its platform list).</summary>
    public static ModuleVerifier Default { get; } = new();

    private readonly string[] hostDirectories;

    /// <summary>A verifier that also looks for host assemblies (whose exports a module may call) in <paramref name="hostDirectories"/>.</summary>
    public ModuleVerifier(IEnumerable<string> hostDirectories) =>
        this.hostDirectories = [.. hostDirectories.Select(Path.GetFullPath)];

    /// <summary>A verifier that finds host assemblies only where the host loads them.</summary>
    public ModuleVerifier() => hostDirectories = [];

    /// <summary>Verifies the module at <paramref name="path"/>.</summary>
    public VerificationResult Verify(string path) =>
        Verify(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Verifies a module image; <paramref name="displayName"/> names it in every error.</summary>
    public unsafe VerificationResult Verify(ReadOnlyMemory<byte> image, string displayName)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(image.Span));
        var report = new Report(displayName);
        int methods = 0, guarded = 0, unguarded = 0;
        long ilBytes = 0;
        try
        {
            fixed (byte* start = image.Span)
            {
                using var pe = new PEReader(start, image.Length);
                if (!pe.HasMetadata) report.Module("not-a-module", "The image has no .NET metadata.");
                else if ((pe.PEHeaders.CorHeader!.Flags & CorFlags.ILOnly) == 0) report.Module("refused",
                    "Mixed-mode (native) images are refused.");
                else (methods, ilBytes, guarded, unguarded) = VerifyModule(pe, report, hostDirectories);
            }
        }
        catch (BadImageFormatException e)
        {
            report.Module("not-a-module", "The image is malformed: " + e.Message);
        }
        return new VerificationResult(displayName, sha, report.Errors, methods, ilBytes)
            { GuardedStores = guarded, UnguardedStores = unguarded };
    }

    private static (int, long, int, int) VerifyModule(PEReader pe, Report report, string[] hostDirectories)
    {
        var reader = pe.GetMetadataReader();
        var index = new ModuleIndex(reader, report, hostDirectories);
        var methods = new MethodVerifier(index, report, ReadManifest(pe, reader, index.AssemblyName, report));
        int count = 0;
        long bytes = 0;
        foreach (var t in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(t);
            var typeName = index.Names.Of(t);
            foreach (var m in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(m);
                report.Method = typeName + "::" + reader.GetString(method.Name);
                if (!Native(index, type, method, report) && method.RelativeVirtualAddress != 0)
                {
                    var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                    count++;
                    bytes += body.Size;
                    if (m == index.HolderCctor && !index.HolderField.IsNil) HolderConstructor(index, body, report);
                    else methods.Verify(body, report.Method, t, reader.StringComparer.Equals(method.Name, ".cctor"));
                }
            }
        }
        report.Method = null;
        methods.Finish();
        return (count, bytes, methods.Guarded, methods.Unguarded);
    }

    // P/Invoke, internal calls and native bodies run code no guard sees; runtime-implemented bodies only on delegates.
    private static bool Native(ModuleIndex index, TypeDefinition type, MethodDefinition method, Report report)
    {
        var impl = method.ImplAttributes;
        if ((method.Attributes & MethodAttributes.PinvokeImpl) != 0)
            report.InMethod("refused", "P/Invoke is refused: native code can write anywhere.");
        else if ((impl & MethodImplAttributes.InternalCall) != 0
            || (impl & MethodImplAttributes.CodeTypeMask) == MethodImplAttributes.Native)
            report.InMethod("refused", "Internal-call and native method bodies are refused.");
        else if ((impl & MethodImplAttributes.CodeTypeMask) == MethodImplAttributes.Runtime
                 && (type.BaseType.IsNil || type.BaseType.Kind != HandleKind.TypeReference
                     || index.Names.Of((TypeReferenceHandle)type.BaseType) != "System.MulticastDelegate"))
            report.InMethod("refused", "Runtime-implemented bodies are allowed on delegate types only.");
        else return false;
        return true;
    }

    // Exactly: ldtoken <WeaverGuard>; call Guard.Register; stsfld <WeaverGuard>::Module; ret
    private static void HolderConstructor(ModuleIndex index, MethodBodyBlock body, Report report)
    {
        var il = new IlBody();
        bool ok = il.Decode(body, out _) && il.Count == 4
            && il.Op[0] == ILOpCode.Ldtoken && il.Arg[0] == MetadataTokens.GetToken(index.Holder)
            && il.Op[1] == ILOpCode.Call && index.OpOf(il.Arg[1]) == AbiOp.Register
            && il.Op[2] == ILOpCode.Stsfld && il.Arg[2] == MetadataTokens.GetToken(index.HolderField)
            && il.Op[3] == ILOpCode.Ret && body.ExceptionRegions.Length == 0;
        if (!ok) report.InMethod("holder",
            "The holder's static constructor must be exactly: ldtoken <WeaverGuard>; call Guard.Register; stsfld Module; ret.");
    }

    private static GuardManifest? ReadManifest(PEReader pe, MetadataReader reader, string assembly, Report report)
    {
        foreach (var h in reader.ManifestResources)
        {
            var resource = reader.GetManifestResource(h);
            if (!reader.StringComparer.Equals(resource.Name, GuardManifest.ResourceName)
                || !resource.Implementation.IsNil) continue;
            try
            {
                var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
                var blob = pe.GetSectionData(directory.RelativeVirtualAddress).GetReader();
                blob.Offset = checked((int)resource.Offset);
                int length = blob.ReadInt32();
                var manifest = GuardManifest.FromBytes(blob.ReadBytes(length));
                if (manifest.Module != assembly)
                    report.Module("manifest-mismatch",
                        $"The manifest describes module '{manifest.Module}', not '{assembly}'.");
                return manifest;
            }
            catch (Exception e) when (e is InvalidDataException or BadImageFormatException or OverflowException)
            {
                report.Module("manifest-malformed", e.Message);
                return null;
            }
        }
        return null;
    }
}
