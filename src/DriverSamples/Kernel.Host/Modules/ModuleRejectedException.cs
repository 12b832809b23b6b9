using GuardRuntime.Verification;

namespace Kernel;

/// <summary>
/// Thrown by <see cref="ModuleLoader.Load(string, string?)"/> when a module file, or an assembly that would load into
/// its context, is refused before any of its code was loaded: the load-time verifier rejected it, or the name the host
/// chose is bound to another module.
/// </summary>
public sealed class ModuleRejectedException : InvalidOperationException
{
    /// <summary>Creates the exception for the module <paramref name="module"/> (the name the host chose).</summary>
    public ModuleRejectedException(string module, string path, string reason, IReadOnlyList<VerificationError> errors,
        Exception? inner = null)
        : base(Describe(module, path, reason, errors), inner)
    {
        Module = module;
        Path = path;
        Errors = errors;
    }

    /// <summary>The name the host loads the module under.</summary>
    public string Module { get; }

    /// <summary>The file that was refused (the module or one of its private dependencies).</summary>
    public string Path { get; }

    /// <summary>The verifier's errors (empty when the refusal is about identity).</summary>
    public IReadOnlyList<VerificationError> Errors { get; }

    private static string Describe(string module, string path, string reason, IReadOnlyList<VerificationError> errors)
    {
        var shown = errors.Take(20).Select(e => "\n  " + e);
        var more = errors.Count > 20 ? $"\n  ... and {errors.Count - 20} more" : "";
        return $"Module '{module}' refused: {System.IO.Path.GetFileName(path)}: {reason}{string.Concat(shown)}{more}";
    }
}
