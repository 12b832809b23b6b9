namespace Kernel;

/// <summary>
/// A loadable kernel module (<c>module_init</c> / <c>module_exit</c>). Modules are the untrusted code the weaver
/// guards: everything they store to goes through a guard once woven.
/// </summary>
public interface IKernelModule
{
    /// <summary>The module name, e.g. <c>e1000e</c>.</summary>
    string Name { get; }

    /// <summary>Called once when the module is loaded; may register devices, IRQs and NAPI contexts.</summary>
    void Init(KernelApi kernel);

    /// <summary>Called once when the module is unloaded; must undo what <see cref="Init"/> did.</summary>
    void Exit();
}
