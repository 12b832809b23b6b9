using System.Diagnostics;

namespace GuardRuntime.Tests;

/// <summary>
/// Guard.Contain, called as woven code calls it: callbacks the framework runs on its own threads are contained (their
/// fault quarantines the module and reaches the host), callbacks run on the module's own stack behave as unwoven.
/// Each asynchronous case runs the wrapper inside a safety net of the test's own, so that a containment bug fails the
/// test (the net catches what escaped) instead of ending the test host.
/// </summary>
public sealed class ContainmentTests : GuardTest
{
    private readonly List<ModuleFaultReport> reports = [];
    private readonly ModuleGuard module;

    public ContainmentTests()
    {
        module = new ModuleBuilder("Threads").Also(b => b.Field("Kernel.Credentials::Uid")).Register();
        ModuleFaults.Reported += OnReport;
    }

    public override void Dispose()
    {
        ModuleFaults.Reported -= OnReport;
        base.Dispose();
    }

    private void OnReport(ModuleFaultReport report)
    {
        if (report.Module == module) lock (reports) reports.Add(report);
    }

    private GuardViolationException Violation() => new(new GuardViolation(module.Name,
        module.Manifest.Sites[0], module.Manifest.Targets[0], "current-cred", "test", GuardAction.Throw, null));

    [Fact]
    public void A_linq_predicate_exception_reaches_the_module_caller_as_unwoven()
    {
        Func<int, bool> predicate = x => x < 2 ? true : throw new FormatException("bad element");
        var wrapped = Guard.Contain(predicate, module)!;
        using var scope = ModuleFaults.Scope(); // the host's call into the module (the test may run on a pool thread)
        var e = Assert.Throws<FormatException>(() => new[] { 1, 2, 3 }.Where(wrapped).ToList());
        Assert.Equal("bad element", e.Message);
        Assert.Empty(reports);
        Assert.False(module.IsQuarantined);
    }

    [Fact]
    public void A_sort_comparison_exception_reaches_the_module_caller_as_unwoven()
    {
        Comparison<int> compare = (_, _) => throw Violation();
        var list = new List<int> { 3, 1, 2 };
        using var scope = ModuleFaults.Scope();
        var e = Assert.Throws<InvalidOperationException>(() => list.Sort(Guard.Contain(compare, module)!));
        Assert.IsType<GuardViolationException>(e.InnerException);
        Assert.Empty(reports);
    }

    [Fact]
    public void A_violation_on_a_new_thread_is_reported_and_the_module_quarantined()
    {
        ThreadStart body = () => throw Violation();
        var wrapped = Guard.Contain(body, module)!;
        Exception? escaped = null;
        var thread = new Thread(() => { try { wrapped(); } catch (Exception e) { escaped = e; } });
        thread.Start();
        Assert.True(thread.Join(10_000));
        AssertContained(escaped, "thread", typeof(GuardViolationException));
    }

    [Fact]
    public void A_fault_in_a_pool_work_item_is_reported_and_the_module_quarantined()
    {
        WaitCallback body = _ => throw new InvalidOperationException("module bug");
        var wrapped = Guard.Contain(body, module)!;
        Exception? escaped = null;
        using var done = new ManualResetEventSlim();
        ThreadPool.QueueUserWorkItem(s => { try { wrapped(s); } catch (Exception e) { escaped = e; } finally { done.Set(); } });
        Assert.True(done.Wait(10_000));
        AssertContained(escaped, "thread pool", typeof(InvalidOperationException));
        Assert.Contains(Violations.Recent(), v => v.Module == "Threads" && v.Detail!.Contains("module bug"));
    }

    [Fact]
    public void A_violation_in_a_timer_callback_is_reported()
    {
        TimerCallback body = _ => throw Violation();
        var wrapped = Guard.Contain(body, module)!;
        Exception? escaped = null;
        using var done = new ManualResetEventSlim();
        using var timer = new Timer(s => { try { wrapped(s); } catch (Exception e) { escaped = e; } finally { done.Set(); } },
            null, 1, Timeout.Infinite);
        Assert.True(done.Wait(10_000));
        AssertContained(escaped, "thread pool", typeof(GuardViolationException));
    }

    [Fact]
    public void A_generic_delegate_on_the_pool_is_contained_and_returns_its_default()
    {
        Func<int, int> body = _ => throw Violation();
        var wrapped = Guard.Contain(body, module)!;
        int result = -1;
        Exception? escaped = null;
        using var done = new ManualResetEventSlim();
        ThreadPool.QueueUserWorkItem(_ => { try { result = wrapped(7); } catch (Exception e) { escaped = e; } finally { done.Set(); } });
        Assert.True(done.Wait(10_000));
        AssertContained(escaped, "thread pool", typeof(GuardViolationException));
        Assert.Equal(0, result);
    }

    [Fact]
    public async Task In_a_task_a_violation_is_reported_and_still_faults_the_task()
    {
        Action body = () => throw Violation();
        var task = Task.Run(Guard.Contain(body, module)!);
        await Assert.ThrowsAsync<GuardViolationException>(() => task);
        Assert.Single(reports, r => r.Origin == "task");
        Assert.True(module.IsQuarantined);
    }

    [Fact]
    public async Task In_a_task_an_ordinary_exception_faults_the_task_as_unwoven_and_is_not_a_module_fault()
    {
        Action body = () => throw new IOException("disk");
        await Assert.ThrowsAsync<IOException>(() => Task.Run(Guard.Contain(body, module)!));
        Assert.Empty(reports);
        Assert.False(module.IsQuarantined);
    }

    [Fact]
    public void Parallel_for_workers_report_the_violation_and_the_caller_still_sees_it()
    {
        Action<int> body = i => { if (i % 2 == 1) throw Violation(); };
        using (ModuleFaults.Scope())
        {
            var e = Assert.Throws<AggregateException>(() => Parallel.For(0, 64, Guard.Contain(body, module)!));
            Assert.All(e.InnerExceptions, x => Assert.IsAssignableFrom<GuardViolationException>(x));
        }
    }

    [Fact]
    public void Inside_a_host_scope_a_pool_callback_calls_through()
    {
        WaitCallback body = _ => throw new FormatException("through");
        var wrapped = Guard.Contain(body, module)!;
        Exception? escaped = null;
        using var done = new ManualResetEventSlim();
        ThreadPool.QueueUserWorkItem(s =>
        {
            try { using (ModuleFaults.Scope()) wrapped(s); }
            catch (Exception e) { escaped = e; }
            finally { done.Set(); }
        });
        Assert.True(done.Wait(10_000));
        Assert.IsType<FormatException>(escaped);
        Assert.Empty(reports);
    }

    [Fact]
    public void On_a_host_thread_that_is_no_pool_thread_callbacks_call_through_without_a_scope()
    {
        Func<int, bool> predicate = _ => throw new FormatException("host thread");
        var wrapped = Guard.Contain(predicate, module)!;
        Exception? seen = null;
        var thread = new Thread(() => { try { _ = new[] { 1 }.Where(wrapped).ToList(); } catch (Exception e) { seen = e; } });
        thread.Start();
        Assert.True(thread.Join(10_000));
        Assert.IsType<FormatException>(seen);
        Assert.Empty(reports);
    }

    [Fact]
    public void Equal_event_handlers_get_the_same_wrapper_so_removal_matches()
    {
        var target = new object();
        EventHandler a = (_, _) => target.GetHashCode();
        var copy = (EventHandler)Delegate.CreateDelegate(typeof(EventHandler), a.Target, a.Method);
        Assert.Same(Guard.ContainHandler(a, module), Guard.ContainHandler(copy, module));
        Assert.NotSame(Guard.Contain(a, module), Guard.Contain(a, module));
    }

    [Fact]
    public void A_contained_predicate_called_through_allocates_nothing()
    {
        // Its cost is measured by tools/bench.sh, not here (timed unit tests fail on a loaded machine); what a test
        // can hold without a clock is that the call-through path allocates nothing and answers as the original.
        Func<int, bool> plain = x => (x & 1) == 0;
        var wrapped = Guard.Contain(plain, module)!;
        var data = Enumerable.Range(0, 100_000).ToArray();
        using var scope = ModuleFaults.Scope();
        int Count(Func<int, bool> f) { int n = 0; foreach (var x in data) if (f(x)) n++; return n; }
        Assert.Equal(Count(plain), Count(wrapped));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Count(wrapped);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private void AssertContained(Exception? escaped, string origin, Type exceptionType)
    {
        Assert.Null(escaped);
        var report = Assert.Single(reports);
        Assert.Equal(origin, report.Origin);
        Assert.IsType(exceptionType, report.Exception);
        Assert.True(module.IsQuarantined);
        Assert.Throws<ModuleQuarantinedException>(module.ThrowIfQuarantined);
    }
}
