namespace Weaver.Cli;

/// <summary>The exit codes of every <c>weaver</c> command (also listed in the README).</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (a second weave of a woven file included).</summary>
    public const int Success = 0;
    /// <summary>The input was bad or the work failed; an <c>error WVRxxxx</c> line says why. Nothing was written.</summary>
    public const int Failed = 1;
    /// <summary>The command line itself was wrong.</summary>
    public const int Usage = 2;
    /// <summary><c>verify</c> found methods the JIT rejects, or <c>inspect --require-guarded</c> found unguarded stores.</summary>
    public const int CheckFailed = 3;
    /// <summary>The weaver itself failed (error WVR0099): a bug in the weaver, not a problem of the input.</summary>
    public const int InternalError = 4;
}
