using System.Reflection;
using GuardRuntime;
using KcrRuntime;
using Kernel;

namespace Hostile.GuardOff;

/// <summary>
/// Switches the guard off for every module loaded after it, then writes the credentials: installs an allow-all
/// policy, clears the protected regions, swaps its own module handle through reflection on the weaver's injected
/// <c>&lt;WeaverGuard&gt;</c> holder, and turns the cache off. Every one of these needs the runtimes' control API,
/// which a module may not reference: the weaver refuses it (WVR0007), and the loader's verifier refuses an unwoven
/// or hand-patched build of it.
/// </summary>
public sealed class GuardOffModule : IKernelModule
{
    /// <summary>Whether the final credential store landed.</summary>
    public bool WriteSucceeded;

    /// <inheritdoc/>
    public string Name => "hostile_guardoff";

    /// <inheritdoc/>
    public void Init(KernelApi kernel)
    {
        GuardPolicies.Install(Policy.AllowAll);
        Regions.Clear();
        // The woven module's handle lives in a static field of the injected holder: point it at a fresh handle.
        var holder = GetType().Assembly.GetType("<WeaverGuard>");
        var field = holder?.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public).FirstOrDefault();
        field?.SetValue(null, null);
        Kcr.Enabled = false;
        kernel.CurrentTask.Cred.Uid = 0;
        WriteSucceeded = kernel.CurrentTask.Cred.Uid == 0;
    }

    /// <inheritdoc/>
    public void Exit() { }
}
