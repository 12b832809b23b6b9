using System.Reflection;
using GuardRuntime;
using KcrRuntime;
using Kernel;
using Workload;

// Usage: KernelDemo <woven-modules-dir> <unwoven-modules-dir> [--frames N] [--policy policy.json]
//        KernelDemo probe <module.dll> [--policy FILE] [--wait-ms N] [--unverified]   (see Probe.cs)
// tools/demo.sh builds the samples, weaves them into the first folder and runs this.
if (args.Length >= 1 && args[0] == "probe") return Probe.Run(args[1..], Path.Combine(AppContext.BaseDirectory, "policy.json"));
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: KernelDemo <woven-modules-dir> <unwoven-modules-dir> [--frames N] [--policy FILE]");
    return 2;
}
string woven = args[0], unwoven = args[1];
int frames = Option("--frames", 20_000);
string policyPath = OptionText("--policy") ?? Path.Combine(AppContext.BaseDirectory, "policy.json");
const int Seed = 42;

Section("1. Traffic through the e1000e driver, unwoven and woven");
var reference = RunTraffic(Path.Combine(unwoven, "E1000e.dll"), withPolicy: false);
Console.WriteLine($"  unwoven: {reference.Result}");
var guarded = RunTraffic(Path.Combine(woven, "E1000e.dll"), withPolicy: true);
Console.WriteLine($"  woven:   {guarded.Result}");
// --repeat N alternates the two runs N more times: a quick side-by-side look (tools/bench.sh measures properly).
for (int round = 0; round < Option("--repeat", 0); round++)
{
    var u = RunTraffic(Path.Combine(unwoven, "E1000e.dll"), withPolicy: false).Result;
    var w = RunTraffic(Path.Combine(woven, "E1000e.dll"), withPolicy: true).Result;
    Console.WriteLine($"  round {round + 1}: unwoven {u.FramesPerSecond:N0} frames/s, woven {w.FramesPerSecond:N0} frames/s, ratio {u.FramesPerSecond / w.FramesPerSecond:F3}");
}
bool sameDigest = reference.Result.Digest == guarded.Result.Digest;
Console.WriteLine($"  digests {(sameDigest ? "match" : "DIFFER")}: 0x{reference.Result.Digest:x16} vs 0x{guarded.Result.Digest:x16}; " +
                  $"violations by the driver: {Violations.Recent().Count(v => v.Module == "E1000e")}");

Section("2. Hostile modules, woven, loaded beside the driver under the same policy");
using (var host = new KernelHost())
{
    host.Modules.Load(Path.Combine(woven, "E1000e.dll"));
    TrafficWorkload.Run(host, 2_000, Seed); // opens eth0: its DMA windows and statistics exist from here on
    host.RegisterProtectedRegions();
    GuardPolicies.LoadFile(policyPath);
    int stopped = 0, total = 0;
    string[] names = ["Hostile.RootCred", "Hostile.ConfigFlip", "Hostile.ArrayScribble", "Hostile.DmaOverrun",
        "Hostile.CrossModule", "Hostile.GuardOff", "Hostile.SwitchTo", "Benign.Stats"];
    foreach (var name in names)
    {
        var path = Path.Combine(woven, name + ".dll");
        var weaveLog = Path.Combine(woven, name + ".weave.log");
        if (!File.Exists(path))
        {
            if (!File.Exists(weaveLog)) { Console.WriteLine($"  {name}: not built"); continue; }
            total++;
            stopped++;
            Console.WriteLine($"  {name}:");
            foreach (var line in File.ReadLines(weaveLog).Where(l => l.Contains(": error ", StringComparison.Ordinal)).Take(3))
                Console.WriteLine($"    REFUSED by the weaver: {line[(line.IndexOf(": error ", StringComparison.Ordinal) + 2)..]}");
            continue;
        }
        total++;
        var before = KernelState.Capture(host);
        int violationsBefore = (int)Violations.Total;
        Exception? failure = null;
        LoadedModule? loaded = null;
        try { loaded = host.Modules.Load(path); }
        catch (Exception e) { failure = e; }
        var after = KernelState.Capture(host);
        var violation = Violations.Recent().Skip(Math.Max(0, Violations.Recent().Count - ((int)Violations.Total - violationsBefore))).FirstOrDefault();
        bool intact = before == after;
        if (violation is not null) stopped++;
        Console.WriteLine($"  {name}:");
        Console.WriteLine(violation is null
            ? $"    ran without a violation{(failure is null ? "" : $" (load failed: {failure.Message})")}"
            : $"    STOPPED: {violation}");
        Console.WriteLine($"    kernel state {(intact ? "intact" : "CHANGED")}: {after}");
        if (loaded?.State == ModuleState.Quarantined)
            Console.WriteLine("    module quarantined and UNLOADED: the kernel dropped its handlers, pollers, timers and interfaces");
    }
    var traffic = TrafficWorkload.Run(host, 2_000, Seed + 1);
    Console.WriteLine($"  traffic after the attacks: {traffic.Delivered} frames delivered, driver still healthy ({host.Faults.Count} module faults contained)");
    Console.WriteLine($"  {stopped} of {total - 1} hostile modules stopped; the benign module ran unhindered");

    // The refused modules, unwoven, straight to the loader: the load-time verifier is the host's own check, so a
    // module that skipped the weaver (or patched its output) is refused before any of its code loads.
    foreach (var name in new[] { "Hostile.GuardOff", "Hostile.SwitchTo" })
    {
        var path = Path.Combine(unwoven, name + ".dll");
        if (!File.Exists(path)) continue;
        var before = KernelState.Capture(host);
        try
        {
            var loaded = host.Modules.Load(path);
            Console.WriteLine($"  {name} (unwoven, to the loader): LOADED ({loaded.State}); kernel state " +
                              (before == KernelState.Capture(host) ? "intact" : "CHANGED"));
        }
        catch (ModuleRejectedException e)
        {
            var lines = e.Message.Split('\n');
            Console.WriteLine($"  {name} (unwoven, to the loader): REFUSED by the loader's verifier: {lines[0]}");
            foreach (var line in lines.Skip(1).Take(3)) Console.WriteLine($"    {line.Trim()}");
        }
    }
}

Section("3. Kernel computation reuse: the woven KcrSamples serve repeated calls from the cache");
RunKcr(Path.Combine(woven, "KcrSamples.dll"));
return sameDigest ? 0 : 1;

(WorkloadResult Result, int Violations) RunTraffic(string driver, bool withPolicy)
{
    // The unwoven reference run is the host's explicit choice to load a module the verifier would refuse.
    using var host = new KernelHost(new KernelOptions { AllowUnverifiedModules = !withPolicy });
    host.Modules.Load(driver);
    // A short first run opens the device (its rings and buffers are allocated then) and warms the JIT, so that
    // the driver's DMA windows are registered and both runs are timed warm. Timings here are a demo, not a
    // benchmark: tools/bench.sh measures the overhead properly.
    TrafficWorkload.Run(host, 1_000, Seed - 1);
    if (withPolicy)
    {
        host.RegisterProtectedRegions();
        GuardPolicies.LoadFile(policyPath);
    }
    var result = TrafficWorkload.Run(host, frames, Seed);
    Regions.Clear();
    return (result, 0);
}

void RunKcr(string path)
{
    if (!File.Exists(path)) { Console.WriteLine("  KcrSamples.dll not found"); return; }
    var assembly = Assembly.LoadFrom(path);
    var packets = Enumerable.Range(0, 64).Select(i => Enumerable.Range(0, 1500).Select(j => (byte)(i * 31 + j)).ToArray()).ToArray();
    foreach (var (type, method) in new[] { ("KcrSamples.NetworkKernels", "InternetChecksum"), ("KcrSamples.NetworkKernels", "Crc32Of"), ("KcrSamples.CryptoKernels", "Sha256") })
    {
        var m = assembly.GetType(type)?.GetMethod(method, [typeof(byte[])]);
        if (m is null) { Console.WriteLine($"  {type}.{method}(byte[]) not found"); continue; }
        for (int round = 0; round < 20; round++)
            foreach (var p in packets) m.Invoke(null, [p]);
    }
    Kcr.DumpStats(Console.Out);
}

int Option(string name, int fallback) => OptionText(name) is { } v && int.TryParse(v, out var n) ? n : fallback;
string? OptionText(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
void Section(string title) { Console.WriteLine(); Console.WriteLine(title); }

/// <summary>The kernel state the hostile modules aim at, compared before and after each one runs.</summary>
internal sealed record KernelState(int Uid, int Euid, ulong Caps, bool SigEnforce, bool SecureBoot, long Syscall59, ulong EthRxPackets, ulong EthRxErrors, ulong BlkDmaFirstWord, ulong ForeignDmaHash)
{
    public static unsafe KernelState Capture(KernelHost host)
    {
        var cred = host.Scheduler.Current.Cred;
        var stats = host.Api.NetDevices.FirstOrDefault()?.Stats;
        return new KernelState(cred.Uid, cred.Euid, cred.Capabilities, KernelConfig.ModuleSigEnforce, KernelConfig.SecureBoot,
            KernelTables.SyscallTable[59], stats?.RxPackets ?? 0, stats?.RxErrors ?? 0, *(ulong*)host.Blk0Dma.Address, DmaHash(host));
    }

    // A hash over every DMA window owned by a device (not by a hostile module), so an overrun into any of them shows.
    private static ulong DmaHash(KernelHost host)
    {
        var hash = new System.IO.Hashing.XxHash64();
        foreach (var window in host.Dma.Windows.Where(w => w.Owner is "nic0" or "blk0").OrderBy(w => w.Address)) hash.Append(window.AsSpan());
        return hash.GetCurrentHashAsUInt64();
    }

    public override string ToString() =>
        $"uid={Uid} euid={Euid} caps=0x{Caps:x} sigEnforce={SigEnforce} syscall[59]=0x{Syscall59:x} eth0.rxErrors={EthRxErrors} blk0.dma[0]=0x{BlkDmaFirstWord:x} device-dma-hash=0x{ForeignDmaHash:x16}";
}
