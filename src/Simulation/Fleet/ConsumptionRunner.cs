using System.Collections.Concurrent;
using System.Globalization;
using KernelModel.Hwpoison;
using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;
using KernelModel.Simulation.Simulate;

namespace KernelModel.Simulation.Fleet;

/// <summary>
/// Runs consumers and classifies what happened. Each (consumer, placement, profile) is run once per fleet run, on a
/// small machine whose seed is a function of those three names and the fleet seed, and the computed outcome is
/// reused for every consumption of that kind: the cache only ever holds outcomes the model computed, the value does
/// not depend on which thread computed it first, and <see cref="Runs"/> lists them all for the report.
/// </summary>
public sealed class ConsumptionRunner(ProfileCatalog profiles, ScenarioCatalog scenarios, ScenarioObserver observer, ConsumerCatalog consumers, int seed)
{
    private readonly ConcurrentDictionary<(string Consumer, string Placement, string Profile), Lazy<Consumption>> _cache = new();

    /// <summary>The consumers.</summary>
    public ConsumerCatalog Consumers { get; } = consumers;

    /// <summary>The catalogue (for consumers that run catalogue scenarios).</summary>
    public ScenarioCatalog Scenarios { get; } = scenarios;

    /// <summary>Runs scenarios and keeps their machines.</summary>
    public ScenarioObserver Observer { get; } = observer;

    /// <summary>Every run made so far: (consumer, placement, profile) and what it showed, in key order.</summary>
    public IReadOnlyList<(string Consumer, string Placement, string Profile, Consumption Consumption)> Runs =>
        _cache.Select(kv => (kv.Key.Consumer, kv.Key.Placement, kv.Key.Profile, kv.Value.Value))
            .OrderBy(r => r.Consumer, StringComparer.Ordinal).ThenBy(r => r.Placement, StringComparer.Ordinal).ThenBy(r => r.Profile, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The outcome of <paramref name="consumer"/> at <paramref name="placement"/> on <paramref name="profile"/>, computed on first use.</summary>
    /// <exception cref="ArgumentException">Unknown consumer or placement.</exception>
    public Consumption Get(string consumer, string placement, string profile)
    {
        var c = Consumers.Get(consumer);
        if (!c.Placements.Contains(placement))
        {
            throw new ArgumentException($"unknown placement '{placement}' for consumer {consumer}: valid are {string.Join(", ", c.Placements)}");
        }

        return _cache.GetOrAdd((consumer, placement, profile),
            key => new Lazy<Consumption>(() => c.Run(this, key.Profile, key.Placement, SeedOf(key)), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>Boots the consumer's machine, runs it, lets the kernel settle and classifies the outcome.</summary>
    public Consumption RunOnMachine(MachineConsumer consumer, string profile, string placement, int machineSeed)
    {
        var machine = profiles.Boot(profile, consumer.Config(placement) with { Seed = machineSeed });
        var context = new ScenarioContext(machine, profile, machineSeed);
        using (machine.CurrentCpu.Enter(null, CpuMode.Kernel))
        {
            machine.Run(() =>
            {
                consumer.Consume(context, placement);
                return 0;
            });
            machine.Run(() => KernelSettle.Run(machine));
        }

        var signals = machine.Tasks.All.SelectMany(t => t.Delivered.Select(s => (t.Comm, t.Pid, s.Signo, s.Code))).ToArray();
        return Classify(machine, consumer.LoadsThePoison, machine.State == MachineState.Panicked, machine.State != MachineState.Panicked && machine.OopsCount > 0,
            signals, context.Syscalls, context.ShortRead, context.Result);
    }

    /// <summary>Runs a catalogue scenario as the consumption; NotModelled when this build's catalogue does not have it.</summary>
    public Consumption RunScenario(string id, string profile, int machineSeed)
    {
        if (!Scenarios.All.Any(s => s.Id == id))
        {
            return new Consumption(ConsumptionOutcome.NotModelled, false, false, $"scenario {id} is not in this build's catalogue");
        }

        var run = Observer.Run(Scenarios.Get(id), profile, machineSeed);
        var o = run.Outcome;
        return Classify(run.Machine, true, o.Panicked, o.Oopsed, o.Signals.Select(s => (s.Comm, s.Pid, s.Signo, s.SiCode)).ToArray(), o.Syscalls, o.ShortRead, o.Result);
    }

    private static Consumption Classify(Machine machine, bool loads, bool panicked, bool oopsed, (string Comm, int Pid, int Signo, int Code)[] signals,
        IReadOnlyList<SyscallRecord> syscalls, bool shortRead, string? result)
    {
        var traps = machine.Traps.Where(t => t.Kind == TrapKind.HardwareError).ToArray();
        var kernelMode = traps.Any(t => t.Mode == CpuMode.Kernel);
        var events = MemoryFailureHandler.Of(machine)?.Events;
        var isolated = events is { Count: > 0 } && events[^1].Result == MfResult.Recovered;
        var verdict = events is { Count: > 0 } ? $"; memory_failure: {events[^1].TypeName}: {events[^1].Result.ActionName()}" : string.Empty;
        if (panicked)
        {
            return new Consumption(ConsumptionOutcome.Panic, kernelMode, isolated, "Kernel panic - not syncing: " + machine.PanicMessage);
        }

        if (oopsed)
        {
            var dead = machine.Tasks.All.FirstOrDefault(t => t.ExitState == TaskExitState.Killed && !t.CoreDumped && t.Delivered.Count == 0);
            return new Consumption(ConsumptionOutcome.Oops, kernelMode, isolated, $"oops: {dead?.ToString() ?? "a task"} killed" + verdict);
        }

        if (loads && traps.Length == 0)
        {
            return new Consumption(ConsumptionOutcome.NotConsumed, false, isolated, "the poisoned line was not loaded" + verdict);
        }

        if (signals.FirstOrDefault(s => s.Signo is Signals.SIGBUS or Signals.SIGKILL) is { Comm: not null } kill)
        {
            return new Consumption(ConsumptionOutcome.Killed, kernelMode, isolated,
                $"{Signals.Name(kill.Signo)} {Signals.CodeName(kill.Signo, kill.Code)} to {kill.Comm}:{kill.Pid.ToString(CultureInfo.InvariantCulture)}" + verdict);
        }

        if (syscalls.FirstOrDefault(s => s.Errno != 0) is { } failed)
        {
            return new Consumption(ConsumptionOutcome.SyscallFailed, kernelMode, isolated, $"{failed.Name} = -{Errno.Name(failed.Errno)}" + verdict);
        }

        if (shortRead)
        {
            return new Consumption(ConsumptionOutcome.ShortRead, kernelMode, isolated, "short read" + verdict);
        }

        return new Consumption(ConsumptionOutcome.Recovered, kernelMode, isolated, (result ?? "the path backed off") + verdict);
    }

    // FNV-1a over the key and the fleet seed: the same on every run, platform and thread.
    private int SeedOf((string Consumer, string Placement, string Profile) key)
    {
        var hash = 2166136261u ^ (uint)seed;
        foreach (var ch in $"{key.Consumer}/{key.Placement}/{key.Profile}")
        {
            hash = (hash ^ ch) * 16777619u;
        }

        return (int)(hash & 0x7fffffff);
    }
}
