using System.Reflection;
using System.Runtime.CompilerServices;

namespace GuardRuntime;

/// <summary>
/// Module identity as the host decides it. A host that loads a module binds the loaded assembly to a name of its
/// choosing (and to the SHA-256 of the bytes it loaded) before any code of the module runs; the policy section the
/// module gets is the section of that name. The assembly's own name is never trusted for that: an unbound woven
/// module gets the default section only, whatever it calls itself.
/// </summary>
/// <remarks>
/// Rules, decided once here: a name may be bound to several loaded assemblies only if they are the same file (same
/// SHA-256: the same module loaded into two kernels of one process); a different file claiming a bound name is
/// refused with <see cref="ModuleIdentityException"/>. An assembly whose own name differs from the bound name is
/// accepted: the host's name wins (a driver loaded as <c>eth-test</c> gets the <c>eth-test</c> section, not the
/// one its assembly name would pick). Binding an assembly whose guarded code already ran is refused, because its
/// handle was registered (and its policy compiled) before the host named it.
/// </remarks>
public static class ModuleBindings
{
    private static readonly object Gate = new();
    private static readonly ConditionalWeakTable<Assembly, ModuleBinding> ByAssembly = new();
    // Live bindings by name; an entry whose assembly was collected without a release no longer holds its name.
    private static readonly Dictionary<string, List<ModuleBinding>> ByName = new(StringComparer.Ordinal);

    /// <summary>
    /// Binds <paramref name="assembly"/>, loaded from bytes whose SHA-256 is <paramref name="sha256"/>, to the policy
    /// name <paramref name="name"/>. Call it after loading the assembly and before running any of its code.
    /// </summary>
    /// <exception cref="ModuleIdentityException">The name is bound to another file, the assembly is bound already, or
    /// its guarded code already ran.</exception>
    public static ModuleBinding Bind(Assembly assembly, string name, string sha256)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(sha256);
        lock (Gate)
        {
            if (ByAssembly.TryGetValue(assembly, out var existing))
                throw new ModuleIdentityException(
                    $"Assembly '{assembly.GetName().Name}' is already bound to the name '{existing.Name}'; " +
                    "a module has one identity.");
            if (ModuleRegistry.Find(assembly) is not null)
                throw new ModuleIdentityException(
                    $"Assembly '{assembly.GetName().Name}' ran guarded code before the host bound it to '{name}': " +
                    "bind a module right after loading it, before calling into it.");
            var holders = Live(name);
            var other = holders.FirstOrDefault(b => !string.Equals(b.Sha256, sha256, StringComparison.OrdinalIgnoreCase));
            if (other is not null)
                throw new ModuleIdentityException(
                    $"The module name '{name}' is already bound to a different file " +
                    $"(assembly '{other.AssemblyName}', " +
                    $"SHA-256 {other.Sha256}); the file with SHA-256 {sha256} (assembly '{assembly.GetName().Name}') " +
                    "cannot take its policy section. Unload the first or load this one under another name.");
            var binding = new ModuleBinding(assembly, name, sha256.ToLowerInvariant());
            ByAssembly.Add(assembly, binding);
            holders.Add(binding);
            return binding;
        }
    }

    // An assembly a module loaded at run time (CodeGeneration.VerifiedLoader) acts for that module: it is bound to the
    // module's own name, so it gets the module's policy section, whatever file it is (never a section of its own).
    internal static ModuleBinding BindLoadedBy(Assembly assembly, ModuleBinding loader, string sha256)
    {
        lock (Gate)
        {
            if (ByAssembly.TryGetValue(assembly, out var existing)) return existing;
            var binding = new ModuleBinding(assembly, loader.Name, sha256.ToLowerInvariant());
            ByAssembly.Add(assembly, binding);
            return binding;
        }
    }

    /// <summary>
    /// Binds <paramref name="assembly"/> to <paramref name="name"/>, hashing the file it was loaded from.
    /// </summary>
    /// <exception cref="ModuleIdentityException">As for <see cref="Bind(Assembly, string, string)"/>, or the assembly
    /// has no file to hash.</exception>
    public static ModuleBinding Bind(Assembly assembly, string name)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var sha256 = ModuleRegistry.HashOf(assembly)
            ?? throw new ModuleIdentityException(
                $"Assembly '{assembly.GetName().Name}' was not loaded from a file; " +
                "pass the SHA-256 of the bytes loaded.");
        return Bind(assembly, name, sha256);
    }

    /// <summary>The host's binding of <paramref name="assembly"/>, or null when no host named it.</summary>
    public static ModuleBinding? Of(Assembly assembly)
    {
        lock (Gate) return ByAssembly.TryGetValue(assembly, out var binding) && !binding.Released ? binding : null;
    }

    /// <summary>The bindings in force, by name.</summary>
    public static IReadOnlyList<ModuleBinding> Current
    {
        get
        {
            lock (Gate) return [.. ByName.Keys.ToArray().SelectMany(Live)];
        }
    }

    internal static void Release(ModuleBinding binding, Assembly? assembly)
    {
        lock (Gate)
        {
            if (assembly is not null && ByAssembly.TryGetValue(assembly, out var current) && current == binding)
                ByAssembly.Remove(assembly);
            if (ByName.TryGetValue(binding.Name, out var holders)) holders.Remove(binding);
            if (holders is { Count: 0 }) ByName.Remove(binding.Name);
        }
    }

    // Called under Gate.
    private static List<ModuleBinding> Live(string name)
    {
        if (!ByName.TryGetValue(name, out var holders)) ByName[name] = holders = [];
        holders.RemoveAll(b => b.Released || !b.IsAlive);
        return holders;
    }
}

/// <summary>
/// The host's name for one loaded module assembly, in force until <see cref="Dispose"/> (the module's unload).
/// </summary>
public sealed class ModuleBinding : IDisposable
{
    // Weak: a binding must not keep a collectible module alive after its context was unloaded.
    private readonly WeakReference<Assembly> assembly;
    private int released;

    internal ModuleBinding(Assembly assembly, string name, string sha256)
    {
        this.assembly = new WeakReference<Assembly>(assembly);
        Name = name;
        Sha256 = sha256;
        AssemblyName = assembly.GetName().Name ?? "?";
    }

    /// <summary>The name the host chose: the module's policy section, and the name its violations carry.</summary>
    public string Name { get; }

    /// <summary>The SHA-256 (lower-case hex) of the bytes the host loaded; policies may pin it.</summary>
    public string Sha256 { get; }

    /// <summary>The assembly's own simple name (reported only, never used to choose a section).</summary>
    public string AssemblyName { get; }

    /// <summary>Whether the binding was released.</summary>
    public bool Released => Volatile.Read(ref released) != 0;

    internal bool IsAlive => assembly.TryGetTarget(out _);

    /// <summary>
    /// Releases the name and removes the module from the guard registry: its handle is left refusing every store and
    /// the registry drops its reference, so that an unloaded context can be collected.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) != 0) return;
        assembly.TryGetTarget(out var target);
        ModuleBindings.Release(this, target);
        if (target is not null) ModuleRegistry.Retire(target);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} = {AssemblyName} (SHA-256 {Sha256})";
}
