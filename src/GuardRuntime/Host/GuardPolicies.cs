namespace GuardRuntime;

/// <summary>
/// The policy in force for every woven module, and the host's API to load, reload and watch policy files.
/// </summary>
/// <remarks>
/// <para>
/// Atomicity. Installing a policy compiles it for every registered module first; only when all compilations have
/// succeeded is each module's result published, with one reference write per module, one module right after the
/// other. So: a store sees its module's old or new compiled policy, never a mix of the two; a policy that fails to
/// compile (or a file that fails to parse) changes nothing; and two modules disagree about which policy is in force
/// only for the few instructions between their two publications. A host that needs a cross-module cut (no store of
/// any module under the old policy once <see cref="Install"/> returns) has it: <see cref="Install"/> returns after the
/// last publication, and a check that started before that may finish under the old policy only if it read the
/// module's policy reference before the write.
/// </para>
/// <para>Installs, reloads and region changes are serialized with one lock; checks never take it.</para>
/// </remarks>
public static partial class GuardPolicies
{
    private static readonly object Gate = new();
    private static Policy current = Policy.AllowAll;
    private static string? currentFile;
    private static long generation;

    static GuardPolicies() => Regions.Changed += _ =>
    {
        lock (Gate) ModuleRegistry.RecompileAll(current, Regions.Current); // the newest set, whatever order events arrive in
    };

    /// <summary>The policy in force.</summary>
    public static Policy Current => Volatile.Read(ref current);

    /// <summary>The file the policy in force was loaded from, or null when it was installed from code.</summary>
    public static string? CurrentFile => Volatile.Read(ref currentFile);

    /// <summary>How many policies have been installed since start (each successful install, load or reload adds one).</summary>
    public static long Generation => Interlocked.Read(ref generation);

    /// <summary>Raised after a policy has been installed for every module (on the installing thread).</summary>
    public static event Action<Policy>? Installed;

    /// <summary>Raised when a reload started by <see cref="Watch"/> fails; the old policy stays in force.</summary>
    public static event Action<PolicyException>? ReloadFailed;

    /// <summary>Replaces the policy for every module, now and for modules registered later.</summary>
    public static void Install(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        InstallCore(policy, null);
    }

    /// <summary>
    /// Parses the policy file at <paramref name="path"/> and installs it. On any error the policy in force stays as it
    /// was and a <see cref="PolicyException"/> with every diagnostic is thrown.
    /// </summary>
    /// <returns>The installed policy.</returns>
    public static Policy LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        Policy policy;
        try
        {
            policy = PolicyFile.Load(full);
        }
        catch (PolicyException)
        {
            GuardMetrics.PolicyLoad(ok: false);
            throw;
        }
        InstallCore(policy, full);
        return policy;
    }

    /// <summary>Loads again the file of the policy in force (see <see cref="LoadFile"/>).</summary>
    /// <exception cref="InvalidOperationException">The policy in force was not loaded from a file.</exception>
    public static Policy Reload() =>
        LoadFile(CurrentFile ?? throw new InvalidOperationException("The policy in force was not loaded from a file; there is nothing to reload."));

    /// <summary>
    /// Watches the file of the policy in force and reloads it after it changes (changes closer together than
    /// <paramref name="debounce"/>, 200 ms by default, are one reload). A file that fails to load leaves the old
    /// policy in force and raises <see cref="ReloadFailed"/>. Dispose the result to stop watching.
    /// </summary>
    /// <exception cref="InvalidOperationException">The policy in force was not loaded from a file.</exception>
    public static IDisposable Watch(TimeSpan? debounce = null)
    {
        var file = CurrentFile ?? throw new InvalidOperationException("Load a policy file with LoadFile before watching it.");
        return new PolicyWatcher(file, debounce ?? TimeSpan.FromMilliseconds(200));
    }

    private static void InstallCore(Policy policy, string? file)
    {
        lock (Gate)
        {
            ModuleRegistry.RecompileAll(policy, Regions.Current); // compiles every module, then publishes
            Volatile.Write(ref current, policy);
            Volatile.Write(ref currentFile, file);
            Interlocked.Increment(ref generation);
        }
        GuardMetrics.PolicyLoad(ok: true);
        Installed?.Invoke(policy);
    }

    private sealed class PolicyWatcher : IDisposable
    {
        private readonly string file;
        private readonly TimeSpan debounce;
        private readonly FileSystemWatcher watcher;
        private readonly Timer timer;
        private int retries;

        public PolicyWatcher(string file, TimeSpan debounce)
        {
            this.file = file;
            this.debounce = debounce;
            timer = new Timer(_ => Fire(), null, Timeout.Infinite, Timeout.Infinite);
            watcher = new FileSystemWatcher(Path.GetDirectoryName(file)!, Path.GetFileName(file))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Schedule();
            watcher.Created += (_, _) => Schedule();
            // Editors that save by writing a temporary file and renaming it over the policy.
            watcher.Renamed += (_, e) => { if (string.Equals(e.FullPath, file, StringComparison.Ordinal)) Schedule(); };
            watcher.EnableRaisingEvents = true;
        }

        private void Schedule()
        {
            retries = 0;
            timer.Change(debounce, Timeout.InfiniteTimeSpan);
        }

        private void Fire()
        {
            try
            {
                LoadFile(file);
            }
            catch (PolicyException e)
            {
                // The writer may still hold the file: try again once before reporting.
                if (e.Diagnostics.Any(d => d.Code == PolicyCodes.Unreadable) && retries++ < 1)
                {
                    timer.Change(debounce, Timeout.InfiniteTimeSpan);
                    return;
                }
                ReloadFailed?.Invoke(e);
            }
            catch (Exception e)
            {
                ReloadFailed?.Invoke(new PolicyException([new PolicyDiagnostic(PolicyCodes.Unreadable, PolicySeverity.Error,
                    $"Reloading the policy failed: {e.Message}", file, 0, 0)]));
            }
        }

        public void Dispose()
        {
            watcher.Dispose();
            timer.Dispose();
        }
    }
}
