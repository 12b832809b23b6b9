namespace GuardRuntime;

/// <summary>
/// Thrown into a module at the call when run-time code generation or loading cannot be checked: the module, the API
/// and the reason are in the message and the properties. A module (or a library it carries) that falls back to
/// another path when code generation fails keeps working, checked.
/// </summary>
public sealed class CodeGenerationRefusedException : NotSupportedException
{
    /// <summary>Creates the exception.</summary>
    public CodeGenerationRefusedException(string module, string api, string reason)
        : base($"Module '{module}': {api} is refused at run time: {reason}.")
    {
        Module = module;
        Api = api;
        Reason = reason;
    }

    /// <summary>The module that made the call.</summary>
    public string Module { get; }

    /// <summary>The API (or emitted instruction) refused.</summary>
    public string Api { get; }

    /// <summary>Why no check covers it.</summary>
    public string Reason { get; }
}
