using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios;

/// <summary>
/// Runs a scenario under a profile: boots the profile's machine, runs setup, injection and action (traced from
/// the injection on, when asked), then lets the kernel settle as it would before anyone looks (the memory_failure worker drains its queue, every live task
/// returns to user mode and acts on its task work and signals), and collects the outcome.
/// </summary>
public sealed class ScenarioRunner(ProfileCatalog profiles)
{
    /// <summary>Runs one scenario.</summary>
    /// <exception cref="ArgumentException">Unknown profile.</exception>
    /// <exception cref="InvalidOperationException">The scenario's setup killed the kernel: a defect in the scenario.</exception>
    public ScenarioOutcome Run(Scenario scenario, string profile, int seed, bool trace = false)
    {
        var machine = profiles.Boot(profile, scenario.Config with { Seed = seed });
        var context = new ScenarioContext(machine, profile, seed);
        var setup = machine.Run(() => Step(scenario.Setup, context));
        if (setup.Died)
        {
            throw new InvalidOperationException($"scenario {scenario.Id}: setup killed the kernel on {profile}: {setup.DeathMessage}");
        }

        // The trace starts where the scenario's story does: the injection, the action and the settling.
        machine.Tracer.Enabled = trace;

        var cpu = machine.CurrentCpu;
        using (cpu.Enter(null, CpuMode.Kernel))
        {
            if (!machine.Run(() => Step(scenario.Inject, context)).Died)
            {
                machine.Run(() => Step(scenario.Act, context));
            }

            machine.Run(() => Settle(machine));
        }

        return Collect(scenario, context, trace);
    }

    private static int Step(Action<ScenarioContext> step, ScenarioContext context)
    {
        step(context);
        return 0;
    }

    // The worker drains the memory_failure queue; tasks return to user (task work, signals); repeat while either
    // made more work.
    private static int Settle(Machine machine)
    {
        var queue = MemoryFailureHandler.Of(machine)?.Queue;
        for (var round = 0; round < 8; round++)
        {
            var handled = queue?.RunPending() ?? 0;
            var tasks = machine.Tasks.UserTasks.Where(t => t.TaskWork.Count > 0 || t.Pending.Count > 0).ToArray();
            foreach (var task in tasks)
            {
                machine.ReturnToUser(task);
            }

            if (handled == 0 && tasks.Length == 0)
            {
                break;
            }
        }

        return 0;
    }

    private static ScenarioOutcome Collect(Scenario scenario, ScenarioContext context, bool trace)
    {
        var machine = context.Machine;
        var mf = MemoryFailureHandler.Of(machine);
        return new ScenarioOutcome
        {
            Scenario = scenario.Id,
            Profile = context.Profile,
            Seed = context.Seed,
            Panicked = machine.State == MachineState.Panicked,
            PanicMessage = machine.PanicMessage,
            Oopsed = machine.State != MachineState.Panicked && machine.OopsCount > 0,
            Signals = machine.Tasks.All.SelectMany(t => t.Delivered.Select(s => new SignalRecord(t.Pid, t.Comm, s.Signo, s.Code, s.Addr, s.AddrLsb))).ToArray(),
            Syscalls = context.Syscalls,
            Queued = mf?.Queue.Queued.Select(q => new QueuedRecord(q.Pfn, q.Flags.ToKernelString())).ToArray() ?? [],
            MemoryFailures = mf?.Events.Select(e => new MemoryFailureRecord(e.Pfn, e.TypeName, e.Result.ActionName())).ToArray() ?? [],
            HardwareCorruptedKb = mf?.HardwareCorruptedKb ?? 0,
            Result = context.Result,
            ShortRead = context.ShortRead,
            Dmesg = machine.Log.Dmesg().ToArray(),
            Trace = trace ? machine.Tracer.Lines.ToArray() : null,
        };
    }
}
