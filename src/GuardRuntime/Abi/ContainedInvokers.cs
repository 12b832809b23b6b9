namespace GuardRuntime;

// The wrappers behind Guard.Contain for delegates of up to four parameters without byrefs: the fast path (a scope is
// active, or a host thread calls through) is one check and one call; everything else goes to State.Slow.
internal sealed class ContainedAction<T1>(Action<T1> inner, Containment.State state)
{
    public void Invoke(T1 a) { if (state.Through) inner(a); else Slow(a); }

    // Apart, so that the closure is allocated only on the slow path.
    private void Slow(T1 a) => state.Slow(() => inner(a));
}

internal sealed class ContainedAction<T1, T2>(Action<T1, T2> inner, Containment.State state)
{
    public void Invoke(T1 a, T2 b) { if (state.Through) inner(a, b); else Slow(a, b); }

    // Apart, so that the closure is allocated only on the slow path.
    private void Slow(T1 a, T2 b) => state.Slow(() => inner(a, b));
}

internal sealed class ContainedAction<T1, T2, T3>(Action<T1, T2, T3> inner, Containment.State state)
{
    public void Invoke(T1 a, T2 b, T3 c) { if (state.Through) inner(a, b, c); else Slow(a, b, c); }

    // Apart, so that the closure is allocated only on the slow path.
    private void Slow(T1 a, T2 b, T3 c) => state.Slow(() => inner(a, b, c));
}

internal sealed class ContainedAction<T1, T2, T3, T4>(Action<T1, T2, T3, T4> inner, Containment.State state)
{
    public void Invoke(T1 a, T2 b, T3 c, T4 d) { if (state.Through) inner(a, b, c, d); else Slow(a, b, c, d); }

    // Apart, so that the closure is allocated only on the slow path.
    private void Slow(T1 a, T2 b, T3 c, T4 d) => state.Slow(() => inner(a, b, c, d));
}

internal sealed class ContainedFunc<TR>(Func<TR> inner, Containment.State state)
{
    public TR Invoke() => state.Through ? inner() : state.Slow(inner);
}

internal sealed class ContainedFunc<T1, TR>(Func<T1, TR> inner, Containment.State state)
{
    public TR Invoke(T1 a) => state.Through ? inner(a) : Slow(a);

    // Apart, so that the closure is allocated only on the slow path.
    private TR Slow(T1 a) => state.Slow(() => inner(a));
}

internal sealed class ContainedFunc<T1, T2, TR>(Func<T1, T2, TR> inner, Containment.State state)
{
    public TR Invoke(T1 a, T2 b) => state.Through ? inner(a, b) : Slow(a, b);

    // Apart, so that the closure is allocated only on the slow path.
    private TR Slow(T1 a, T2 b) => state.Slow(() => inner(a, b));
}

internal sealed class ContainedFunc<T1, T2, T3, TR>(Func<T1, T2, T3, TR> inner, Containment.State state)
{
    public TR Invoke(T1 a, T2 b, T3 c) => state.Through ? inner(a, b, c) : Slow(a, b, c);

    // Apart, so that the closure is allocated only on the slow path.
    private TR Slow(T1 a, T2 b, T3 c) => state.Slow(() => inner(a, b, c));
}

internal sealed class ContainedFunc<T1, T2, T3, T4, TR>(Func<T1, T2, T3, T4, TR> inner, Containment.State state)
{
    public TR Invoke(T1 a, T2 b, T3 c, T4 d) => state.Through ? inner(a, b, c, d) : Slow(a, b, c, d);

    // Apart, so that the closure is allocated only on the slow path.
    private TR Slow(T1 a, T2 b, T3 c, T4 d) => state.Slow(() => inner(a, b, c, d));
}
