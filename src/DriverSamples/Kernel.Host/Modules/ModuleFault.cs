namespace Kernel;

/// <summary>An exception that escaped module code and was contained by the host (an "oops" that did not panic).</summary>
/// <param name="Module">The module name.</param>
/// <param name="Phase">What the host was doing: init, exit, irq, napi, xmit...</param>
/// <param name="ExceptionType">The full name of the exception type (e.g. a guard violation).</param>
/// <param name="Message">The exception message.</param>
public sealed record ModuleFault(string Module, string Phase, string ExceptionType, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Module} ({Phase}): {ExceptionType}: {Message}";
}
