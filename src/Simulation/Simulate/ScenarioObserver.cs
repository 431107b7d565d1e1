using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation.Simulate;

/// <summary>What one scenario run showed, with the machine it ran on (its trap record says where the poison was consumed).</summary>
/// <param name="Outcome">The scenario's outcome, as <c>kmodel run</c> reports it.</param>
/// <param name="Machine">The machine the runner booted.</param>
public sealed record ObservedRun(ScenarioOutcome Outcome, Machine Machine)
{
    /// <summary>Whether the poison was consumed in kernel mode: a hardware-error trap taken with the CPU in the kernel.</summary>
    public bool KernelModeConsumption => Machine.Traps.Any(t => t.Kind == TrapKind.HardwareError && t.Mode == CpuMode.Kernel);

    /// <summary>Whether the kernel died (panic, or an oops that killed the task in the kernel).</summary>
    public bool KernelDied => Outcome.Panicked || Outcome.Oopsed;
}

/// <summary>
/// Runs catalogue scenarios through the <see cref="ScenarioRunner"/> and keeps the machine each run booted, so the
/// caller can read the machine's trap record. The runner boots through a profile catalogue holding only the
/// requested profile, whose architecture factory notes the machine it is given; everything else is the registered
/// profile as it is. Safe to use from several threads (each run has its own catalogue and machine).
/// </summary>
public sealed class ScenarioObserver(ProfileCatalog profiles, Func<Machine, IMemoryFailure>? memoryFailure, Func<Machine, IGhes>? ghes)
{
    /// <summary>The registered profiles.</summary>
    public ProfileCatalog Profiles { get; } = profiles;

    /// <summary>Runs <paramref name="scenario"/> on <paramref name="profile"/> with <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">Unknown profile.</exception>
    public ObservedRun Run(Scenario scenario, string profile, int seed)
    {
        var registered = Profiles.Get(profile);
        Machine? booted = null;
        var noting = registered with
        {
            Architecture = m =>
            {
                booted = m;
                return registered.Architecture(m);
            },
        };
        var outcome = new ScenarioRunner(new ProfileCatalog([noting], memoryFailure, ghes)).Run(scenario, profile, seed);
        return new ObservedRun(outcome, booted!);
    }
}
