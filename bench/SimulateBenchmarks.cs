using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KernelModel.Simulation.Simulate;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Bench;

/// <summary>
/// How <c>kmodel simulate</c>'s cost grows with the simulated memory and the virtual duration: MachineSimulation.Run
/// (boot, then the scheduler's ticks with the scrubber, the error injector, the workloads and the kernel threads) on
/// the default workload mix (cloud-host), 2 nodes and 16 CPUs, seed 1. Memory is swept at 24 h and the duration at
/// 64 GiB. The profile is arm64 (a patched profile whose linear map holds 1 TiB; riscv64's Sv39 stops at 128 GiB) and
/// the error rate 1e-3 per GB-hour (10^6 times the field rate): at the default 1e-2 the first kernel-mode consumption
/// in interrupt context panics the machine within hours and the rest of the run never happens, which would measure
/// when the panic came rather than how the cost grows.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class SimulateBenchmarks
{
    private const string Profile = "arm64";
    private const double ErrorRate = 1e-3;
    private MachineSimulation _simulation = null!;
    private SimulateOptions _options = null!;

    /// <summary>Memory and duration: the memory sweep at 24h, then the duration sweep at 64GiB.</summary>
    public static IEnumerable<string> Shapes =>
        ["4GiB 24h", "16GiB 24h", "64GiB 24h", "256GiB 24h", "1TiB 24h", "64GiB 1h", "64GiB 6h", "64GiB 7d"];

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "64GiB 24h";

    [GlobalSetup]
    public void Setup()
    {
        _simulation = Profiles.Services.GetRequiredService<MachineSimulation>();
        var parts = Shape.Split(' ');
        _options = new SimulateOptions
        {
            Profile = Profile,
            MemoryBytes = Units.ParseBytes(parts[0], "memory"),
            Duration = Units.ParseDuration(parts[1], "duration"),
            ErrorRate = ErrorRate,
        };
        var first = _simulation.Run(_options, null, CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// {Shape}: end {first.End}, {first.Elapsed.TotalHours} h simulated, {first.Events.Count} events"));
    }

    [Benchmark]
    public SimulationEnd Simulate() => _simulation.Run(_options, null, CancellationToken.None).End;
}
