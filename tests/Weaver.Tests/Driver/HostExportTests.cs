using Weaver.Engine.Diagnostics;

namespace Weaver.Tests.Driver;

/// <summary>
/// Host calls are denied by default: a module may call only what Kernel.Host exports with [ModuleExport]. Refusals
/// name the method, IL offset, line and host method, and say how to export it.
/// </summary>
public sealed class HostExportTests
{
    private const string Prologue = """
        using System;
        using Kernel;
        namespace Exports {
        public sealed class M : IKernelModule {
            public string Name => "m";
            public void Exit() { }
        """;

    [Fact]
    public void A_call_to_Scheduler_SwitchTo_is_refused_at_weave_time_with_a_precise_error()
    {
        var dll = KernelModules.Compile(Prologue + "\n" + """
                public void Init(KernelApi k) {
                    k.Scheduler.SwitchTo(k.CurrentTask.Parent);
                }
            } }
            """, "Exports.SwitchTo");
        var result = KernelModules.Weave(dll, out var output);

        Assert.False(result.Succeeded);
        Assert.False(File.Exists(output));
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.HostMethodNotExported, error.Code);
        Assert.Contains("Exports.M::Init(KernelApi) at IL_", error.Message);
        Assert.Contains("calls host method Kernel.Scheduler::SwitchTo (Kernel.Host)", error.Message);
        Assert.Contains("[GuardRuntime.ModuleExport]", error.Message);
        Assert.EndsWith("Exports.SwitchTo.cs", error.File);
        Assert.Equal(8, error.Line);
    }

    [Fact]
    public void A_function_pointer_to_an_unexported_host_method_is_refused_too()
    {
        var dll = KernelModules.Compile(Prologue + "\n" + """
                public Action F;
                public void Init(KernelApi k) { F = KernelConfig.ResetToDefaults; }
            } }
            """, "Exports.Ldftn");
        var result = KernelModules.Weave(dll, out _);

        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.HostMethodNotExported, error.Code);
        Assert.Contains("takes a function pointer to host method Kernel.KernelConfig::ResetToDefaults", error.Message);
    }

    [Fact]
    public void Exported_members_interface_calls_and_readers_weave_and_every_refusal_is_listed()
    {
        var ok = KernelModules.Compile(Prologue + "\n" + """
                public string Dev; public bool Root;
                public void Init(KernelApi k) {
                    k.Printk(LogLevel.Info, "m", "hello");
                    foreach (var d in k.NetDevices) Dev = d.Name;   // INetDevice::get_Name: the interface is exported
                    Root = k.CurrentTask.Cred.IsRoot;                // a getter exported without any setter
                }
            } }
            """, "Exports.Ok");
        Assert.True(KernelModules.Weave(ok, out _).Succeeded);

        var bad = KernelModules.Compile(Prologue + "\n" + """
                public void Init(KernelApi k) {
                    KernelTables.Restore();
                    k.Pci.Add(null);
                    k.Dma.Dispose();
                }
            } }
            """, "Exports.Bad");
        var errors = KernelModules.Weave(bad, out _).Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Code != DiagnosticCodes.RefusalSummary).ToList();
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Equal(DiagnosticCodes.HostMethodNotExported, e.Code));
        Assert.Contains(errors, e => e.Message.Contains("Kernel.KernelTables::Restore"));
        Assert.Contains(errors, e => e.Message.Contains("Kernel.Pci.PciBus::Add"));
        Assert.Contains(errors, e => e.Message.Contains("Kernel.Pci.DmaAllocator::Dispose"));
    }

    [Fact]
    public void The_demo_s_guard_off_and_switch_to_modules_are_refused()
    {
        var guardOff = KernelModules.Weave(Path.Combine(AppContext.BaseDirectory, "Hostile.GuardOff.dll"), out _);
        // Every problem in one run: the forged ABI calls, and whatever else the module does that no guard checks.
        var codes = guardOff.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Code).Distinct().ToList();
        Assert.Contains(DiagnosticCodes.ForgedGuardCalls, codes);
        Assert.All(codes, c => Assert.Contains(c, new[] { DiagnosticCodes.ForgedGuardCalls, DiagnosticCodes.UncheckableApi, DiagnosticCodes.RefusalSummary }));
        Assert.Contains(guardOff.Diagnostics, d => d.Message.Contains("GuardRuntime.GuardPolicies::Install"));
        Assert.Contains(guardOff.Diagnostics, d => d.Message.Contains("GuardRuntime.Regions::Clear"));
        Assert.Contains(guardOff.Diagnostics, d => d.Message.Contains("KcrRuntime.Kcr::set_Enabled"));

        var switchTo = KernelModules.Weave(Path.Combine(AppContext.BaseDirectory, "Hostile.SwitchTo.dll"), out _);
        var error = Assert.Single(switchTo.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.HostMethodNotExported, error.Code);
        Assert.Contains("Kernel.Scheduler::SwitchTo", error.Message);
    }
}
