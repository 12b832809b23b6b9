namespace Weaver.Engine.Guards.Elimination;

/// <summary>
/// Why a store has no address check (or no guard at all). Each reason is re-proved by the load-time verifier from
/// the woven IL alone (GuardRuntime.Verification, Eliminations.cs); <c>weaver inspect</c> counts them.
/// </summary>
public enum EliminationReason
{
    /// <summary>A guard as always.</summary>
    None,

    /// <summary>
    /// The destination is the method's own frame: the address is <c>ldloca</c>/<c>ldarga</c>, pushed right before the
    /// value. Writing a local through its address is writing the local (<c>stloc</c>), which no policy governs: a
    /// <c>stind</c>/<c>stobj</c>/<c>initobj</c> keeps no guard, a struct field store keeps only its field's check.
    /// </summary>
    Stack,

    /// <summary>
    /// A struct field stored through a byref or pointer local whose every assignment was checked where it was
    /// formed, for the whole extent of the struct (<c>dup; sizeof T; conv.u; StoreAddress; stloc L</c>), and whose
    /// address is never taken: the field lies inside the checked extent. The field's own check stays.
    /// </summary>
    Formation,
}

/// <summary>The names <c>weaver inspect</c> prints for the reasons.</summary>
public static class EliminationReasons
{
    /// <summary>The reason's report name.</summary>
    public static string Name(EliminationReason reason) => reason switch
    {
        EliminationReason.Stack => "stack",
        EliminationReason.Formation => "checked-at-formation",
        _ => "guarded",
    };
}
