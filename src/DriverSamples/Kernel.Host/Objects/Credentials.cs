using GuardRuntime;
namespace Kernel;

/// <summary>
/// A task's credentials, laid out like Linux <c>struct cred</c>: plain public fields so that a store made by module
/// code is a store the guard can see (a property setter would run inside the unwoven host).
/// </summary>
public sealed class Credentials
{
    /// <summary>The real user id.</summary>
    public int Uid;

    /// <summary>The real group id.</summary>
    public int Gid;

    /// <summary>The effective user id, which permission checks use.</summary>
    public int Euid;

    /// <summary>The effective group id.</summary>
    public int Egid;

    /// <summary>The effective capability set, one bit per <see cref="Capability"/>.</summary>
    public ulong Capabilities;

    /// <summary>How many tasks share this credential object.</summary>
    public int Usage = 1;

    /// <summary>Creates credentials for a user and group with no capabilities.</summary>
    public Credentials(int uid, int gid)
    {
        Uid = uid;
        Euid = uid;
        Gid = gid;
        Egid = gid;
    }

    /// <summary>Whether these credentials belong to the superuser.</summary>
    [ModuleExport]
    public bool IsRoot => Euid == 0;

    /// <summary>Whether the capability is in the effective set.</summary>
    [ModuleExport]
    public bool Has(Capability capability) => (Capabilities & (1UL << (int)capability)) != 0;

    /// <summary>Full root credentials with every capability (used for the init task).</summary>
    public static Credentials Root() => new(0, 0) { Capabilities = ulong.MaxValue };
}

/// <summary>A few Linux capability numbers.</summary>
public enum Capability
{
    /// <summary>CAP_CHOWN.</summary>
    Chown = 0,
    /// <summary>CAP_NET_ADMIN.</summary>
    NetAdmin = 12,
    /// <summary>CAP_NET_RAW.</summary>
    NetRaw = 13,
    /// <summary>CAP_SYS_MODULE.</summary>
    SysModule = 16,
    /// <summary>CAP_SYS_ADMIN.</summary>
    SysAdmin = 21,
}
