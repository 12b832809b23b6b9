namespace GuardRuntime;

/// <summary>
/// Thrown when a host cannot bind a module to the name it chose (see <see cref="ModuleBindings"/>): the name belongs
/// to another file, or the module was bound or ran before.
/// </summary>
public sealed class ModuleIdentityException : InvalidOperationException
{
    /// <summary>Creates the exception with its explanation.</summary>
    public ModuleIdentityException(string message) : base(message) { }
}
