using System.Runtime.CompilerServices;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Kernel
{
    // Stand-ins for host types: protected instances are matched to field targets by their type names.
    public sealed class Credentials
    {
        public int Uid;
        public int Euid;
        public ulong Capabilities;
    }

    public static class KernelConfig
    {
        public static bool SecureBoot = true;
    }

    public class TaskBase
    {
        public int Pid;
    }

    public sealed class KernelTask : TaskBase
    {
        public string Comm = "";
    }

    public static class Scheduler
    {
        public static void SetCurrent() { }
    }

    namespace Net
    {
        public sealed class SkBuff
        {
            public int Len;
        }
    }
}

namespace GuardRuntime.Tests
{
    /// <summary>Builds a module from a manifest, as the weaver would describe it, and registers it without an assembly.</summary>
    internal sealed class ModuleBuilder(string name)
    {
        private readonly List<GuardTarget> targets = [];

        public int Field(string target, string assembly = "Kernel") => Add(TargetKind.InstanceField, target, assembly);
        public int Static(string target, string assembly = "Kernel") => Add(TargetKind.StaticField, target, assembly);
        public int Array(string elementClass) => Add(TargetKind.ArrayElement, elementClass, null);
        public int Address() => Add(TargetKind.Address, "*", null);
        public int Call(string target, string assembly = "Kernel") => Add(TargetKind.Call, target, assembly);
        public int Object() => Add(TargetKind.Object, "*", null);

        private int Add(TargetKind kind, string target, string? assembly)
        {
            targets.Add(new GuardTarget(targets.Count, kind, target, assembly));
            return targets.Count - 1;
        }

        public GuardManifest Manifest() => new()
        {
            Module = name,
            WeaverVersion = "test",
            Targets = [.. targets],
            // One site per target, with the same id.
            Sites = [.. targets.Select(t => new GuardSite(t.Id, $"{name}.Driver::Probe()", t.Id * 4, "Driver.cs", 10 + t.Id, t.Id))],
        };

        public ModuleGuard Register(string? sha256 = null)
        {
            var module = ModuleRegistry.Register(Manifest(), sha256);
            GuardTest.Registered.Add(module);
            return module;
        }
    }

    /// <summary>Resets the process-wide guard state around every test.</summary>
    public abstract class GuardTest : IDisposable
    {
        internal static readonly List<ModuleGuard> Registered = [];

        protected GuardTest()
        {
            Regions.Clear();
            GuardPolicies.Install(Policy.AllowAll);
            Violations.Clear();
            Violations.Capacity = 256;
        }

        public virtual void Dispose()
        {
            foreach (var m in Registered) ModuleRegistry.Unregister(m);
            Registered.Clear();
            Regions.Clear();
            GuardPolicies.Install(Policy.AllowAll);
            Violations.Clear();
        }

        internal static Policy Rules(params PolicyRule[] rules) => new() { Default = new PolicySection { Rules = rules } };

        internal static PolicyRule R(RuleSelector selector, string pattern, GuardAction action) => new(selector, pattern, action);

        /// <summary>What a store does: Allow (went ahead silently), Audit (went ahead, recorded), Throw, Quarantine, Halt.</summary>
        internal static GuardAction Outcome(Action store)
        {
            long before = Violations.Total;
            var halted = false;
            var saved = ModulePolicy.HaltHandler;
            ModulePolicy.HaltHandler = _ => halted = true;
            try
            {
                store();
            }
            catch (ModuleQuarantinedException)
            {
                return GuardAction.Quarantine;
            }
            catch (GuardViolationException e)
            {
                return halted ? GuardAction.Halt : e.Violation.Action;
            }
            finally
            {
                ModulePolicy.HaltHandler = saved;
            }
            return Violations.Total > before ? GuardAction.Audit : GuardAction.Allow;
        }

        internal static unsafe void StoreAt(nint address, nuint length, int targetId, ModuleGuard module) =>
            Guard.StoreAddress(ref Unsafe.AsRef<byte>((void*)address), length, targetId, targetId, module);
    }
}
