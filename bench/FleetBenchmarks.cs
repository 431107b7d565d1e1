using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KernelModel.Simulation.Fleet;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Bench;

/// <summary>
/// Target 5 and how the fleet's cost grows with machine-years: <c>kmodel fleet</c>'s engine
/// (FleetSimulation.Run) at the default rates, profiles and seed, with <see cref="MachineYears"/> machines for one year
/// each, on one thread and on every core. An invocation is one whole run, so it includes the consumer model runs each
/// run makes (a fixed cost) and the merge of the per-thread tallies.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class FleetBenchmarks
{
    private FleetSimulation _fleet = null!;

    [Params(100_000, 1_000_000, 10_000_000)]
    public long MachineYears { get; set; }

    /// <summary>One thread, and every core of this machine.</summary>
    public static IEnumerable<int> ThreadCounts => [1, Environment.ProcessorCount];

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _fleet = Profiles.Services.GetRequiredService<FleetSimulation>();

    [Benchmark]
    public long Fleet() => _fleet.Run(new FleetOptions { Machines = MachineYears, Years = 1, Threads = Threads }).TallyOf("riscv64").Errors;
}
