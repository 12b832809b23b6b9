using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace GuardRuntime;

/// <summary>
/// Fault containment for module code that the framework runs on threads the host did not enter it on.
/// </summary>
/// <remarks>
/// A contained wrapper (<see cref="Guard.Contain{T}"/>), when invoked:
/// <list type="number">
/// <item>calls through when a containment scope is active on the thread (a host call into the module opened one,
/// or an outer wrapper runs): exceptions propagate to the module as in the unwoven code;</item>
/// <item>inside a running task (<c>Task.Run</c>, <c>Parallel.For</c> workers, continuations) calls through too,
/// because the task machinery keeps the exception (the module may await it, as in the unwoven code); a guard
/// violation escaping the callback is reported to the host on its way into the task;</item>
/// <item>on a pool thread outside a task (work items, timers, wait callbacks) or as a thread's start delegate,
/// runs the callback in a scope and hands any exception to the host's fault handler; the delegate then returns
/// its default value and the thread lives on;</item>
/// <item>anywhere else (a host thread that calls into the module without a scope) calls through.</item>
/// </list>
/// </remarks>
internal static class Containment
{
    [ThreadStatic] private static int depth;

    // Whether this thread is a pool thread, asked once per thread (the runtime's answer costs a call every time).
    [ThreadStatic] private static byte threadKind; // 0 unknown, 1 pool, 2 other

    private static bool OnPoolThread
    {
        get
        {
            if (threadKind == 0) threadKind = Thread.CurrentThread.IsThreadPoolThread ? (byte)1 : (byte)2;
            return threadKind == 1;
        }
    }

    /// <summary>
    /// The module whose host-call check (<see cref="Guard.Call"/>) ran last on this thread, within the current scope:
    /// the caller of the host method running now, known even when the JIT dropped the module's frame by a tail call.
    /// A scope starts with none and restores the outer one when it closes, so host code never sees a stale caller.
    /// </summary>
    [ThreadStatic] internal static ModuleHandle? HostCaller;

    /// <summary>Whether a scope is active on this thread.</summary>
    internal static bool Active => depth > 0;

    /// <summary>Opens a scope on this thread (host calls into a module); pair with <see cref="Exit"/>.</summary>
    /// <returns>The host caller of the enclosing scope, to give back to <see cref="Exit"/>.</returns>
    internal static ModuleHandle? Enter()
    {
        depth++;
        var outer = HostCaller;
        HostCaller = null;
        return outer;
    }

    /// <summary>Closes the scope <see cref="Enter"/> opened.</summary>
    internal static void Exit(ModuleHandle? outer)
    {
        depth--;
        HostCaller = outer;
    }

    private static readonly ConditionalWeakTable<Type, Func<Delegate, State, Delegate>> Factories = new();

    internal static T Wrap<T>(T callback, ModuleHandle module) where T : Delegate
    {
        var state = new State(module, IsThreadStart: callback is ThreadStart or ParameterizedThreadStart);
        // The delegate types the framework runs asynchronously get hand-written wrappers; any other is built once
        // per type from an expression tree.
        Delegate wrapped = callback switch
        {
            Action a => new Action(() => { if (state.Through) a(); else state.Slow(a); }),
            ThreadStart s => new ThreadStart(() => state.Slow(() => s())),
            ParameterizedThreadStart p => new ParameterizedThreadStart(o => state.Slow(() => p(o))),
            WaitCallback w => new WaitCallback(new ContainedAction<object?>(o => w(o), state).Invoke),
            TimerCallback t => new TimerCallback(new ContainedAction<object?>(o => t(o), state).Invoke),
            SendOrPostCallback c => new SendOrPostCallback(new ContainedAction<object?>(o => c(o), state).Invoke),
            _ => Factories.GetValue(callback.GetType(), t => ContainedFactory.TryBuild(t) ?? Build(t))(callback, state),
        };
        return (T)wrapped;
    }

    /// <summary>Hands an exception that escaped module code to the host's fault handler (never throws).</summary>
    internal static void Report(ModuleHandle module, Exception exception, string origin)
    {
        try { HostBinding.FaultSink?.Invoke(module, exception, origin); }
        catch (Exception) { /* a failing handler must not turn a contained fault into a crash */ }
    }

    /// <summary>What one wrapper needs: its module, and whether the framework starts a thread with it.</summary>
    internal sealed record State(ModuleHandle Module, bool IsThreadStart)
    {
        // Through: the callback's exceptions propagate as in the unwoven code. Contained: they go to the host.
        public bool Contained => depth == 0 && Task.CurrentId is null && (IsThreadStart || OnPoolThread);

        /// <summary>The fast test: a scope is active, or a host thread (not the pool) runs a callback that is not a
        /// thread start. Everything else takes <see cref="Slow"/>.</summary>
        public bool Through => depth > 0 || (!IsThreadStart && !OnPoolThread);

        public void Slow(Action body)
        {
            if (!Contained)
            {
                try { body(); }
                catch (Exception e) when (ReportViolation(e)) { throw; }
                return;
            }
            var outer = Enter();
            try { body(); }
            catch (Exception e) { Report(Module, e, IsThreadStart ? "thread" : "thread pool"); }
            finally { Exit(outer); }
        }

        public TR Slow<TR>(Func<TR> body)
        {
            if (!Contained)
            {
                try { return body(); }
                catch (Exception e) when (ReportViolation(e)) { throw; }
            }
            var outer = Enter();
            try { return body(); }
            catch (Exception e) { Report(Module, e, IsThreadStart ? "thread" : "thread pool"); return default!; }
            finally { Exit(outer); }
        }

        /// <summary>In a task: reports a guard violation escaping the callback; false, so it propagates.</summary>
        public bool ReportViolation(Exception e)
        {
            if (depth == 0 && Task.CurrentId is not null && IsViolation(e)) Report(Module, e, "task");
            return false;
        }

        /// <summary>Outside a task with no scope: reports any exception; returns whether it was contained.</summary>
        public bool Swallow(Exception e)
        {
            Report(Module, e, IsThreadStart ? "thread" : "thread pool");
            return true;
        }
    }

    // GuardViolationException lives in the host assembly; its name is the contract (the ABI cannot reference it).
    private static bool IsViolation(Exception e)
    {
        for (var t = e.GetType(); t is not null; t = t.BaseType)
            if (t.FullName == HostBinding.ViolationExceptionName) return true;
        return false;
    }

    // (callback, state) => (args) => state.Contained
    //     ? { outer = Enter(); try { return callback(args); } catch (Exception e) when (state.Swallow(e)) { return default; }
    //         finally { Exit(outer); } }
    //     : { try { return callback(args); } catch (Exception e) when (state.ReportViolation(e)) { throw; } }
    private static Func<Delegate, State, Delegate> Build(Type delegateType)
    {
        var invoke = delegateType.GetMethod("Invoke")!;
        var callback = Expression.Parameter(typeof(Delegate), "callback");
        var state = Expression.Parameter(typeof(State), "state");
        var args = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
        var typed = Expression.Convert(callback, delegateType);
        var result = invoke.ReturnType;
        var call = Expression.Invoke(typed, args);
        var e = Expression.Parameter(typeof(Exception), "e");
        var fallback = result == typeof(void) ? (Expression)Expression.Empty() : Expression.Default(result);
        const BindingFlags Internal = BindingFlags.NonPublic | BindingFlags.Static;
        var outer = Expression.Variable(typeof(ModuleHandle), "outer");
        var enter = Expression.Assign(outer, Expression.Call(typeof(Containment).GetMethod(nameof(Enter), Internal)!));
        var exit = Expression.Call(typeof(Containment).GetMethod(nameof(Exit), Internal)!, outer);
        var contained = Expression.Block(result, [outer],
            enter,
            Expression.TryCatchFinally(call, exit,
                Expression.Catch(e, fallback, Expression.Call(state, nameof(State.Swallow), null, e))));
        var through = Expression.TryCatch(call,
            Expression.Catch(e, Expression.Rethrow(result),
                Expression.Call(state, nameof(State.ReportViolation), null, e)));
        var test = Expression.Property(state, nameof(State.Contained));
        var body = Expression.Condition(test, contained, through, result);
        var inner = Expression.Lambda(delegateType, body, args);
        return Expression.Lambda<Func<Delegate, State, Delegate>>(inner, callback, state).Compile();
    }
}
