using System.Runtime.CompilerServices;

// The benchmark suite (bench/Weaver.Benchmarks) registers manifest-only modules with ModuleRegistry.Register to time
// Guard.Store* against 1..10,000 rules, exactly as the guard tests do. Benchmarks only; nothing ships with it.
[assembly: InternalsVisibleTo("Weaver.Benchmarks")]
