namespace GuardRuntime;

/// <summary>
/// Thrown into a module at the call when reflection cannot be checked or is refused by rule (the guard's runtimes, the
/// weaver's injected state, <c>System.Reflection.Emit</c>, a non-public member of another assembly that the policy does
/// not allow, a host member the host does not export): the module, the API, the site and the reason are in the message
/// and the properties. A library that falls back to another path when reflection fails keeps working, checked.
/// </summary>
public sealed class ReflectionRefusedException : NotSupportedException
{
    /// <summary>Creates the exception.</summary>
    public ReflectionRefusedException(string module, string api, string reason, string site)
        : base($"Module '{module}': {api} is refused at run time: {reason}, at {site}.")
    {
        Module = module;
        Api = api;
        Reason = reason;
        Site = site;
    }

    /// <summary>The module that made the call.</summary>
    public string Module { get; }

    /// <summary>The API refused, with the member it was aimed at.</summary>
    public string Api { get; }

    /// <summary>Why it is refused.</summary>
    public string Reason { get; }

    /// <summary>Where the module made the call (method, IL offset, source line when known).</summary>
    public string Site { get; }
}
