using System.CommandLine;
using System.Globalization;
using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel run &lt;id&gt; --profile P [--seed N] [--json] [--trace]</c>: runs one scenario and shows its outcome,
/// the outcome the scenario declares for the profile, and whether they agree. <c>--trace</c> prints the kernel
/// call path function by function, with the console lines in place.
/// </summary>
public sealed class RunCommand(ConsoleStreams console, ScenarioCatalog catalog, ScenarioRunner runner) : IKmodelCommand
{
    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var id = new Argument<string>("id") { Description = "scenario id (kmodel scenarios lists them)" };
        var profile = new Option<string>("--profile") { Description = "architecture profile", Required = true };
        var seed = new Option<int>("--seed") { Description = "seed of the run", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "the outcome as JSON" };
        var trace = new Option<bool>("--trace") { Description = "print the kernel call path (function_graph style)" };
        var command = new Command("run", "run one scenario under a profile") { id, profile, seed, json, trace };
        command.SetAction(parse => Run(parse.GetValue(id)!, parse.GetValue(profile)!, parse.GetValue(seed), parse.GetValue(json), parse.GetValue(trace)));
        root.Subcommands.Add(command);
    }

    /// <summary>Runs and prints; exit code 0 when the outcome is the declared one, 1 when not.</summary>
    public int Run(string id, string profile, int seed, bool json, bool trace)
    {
        var scenario = catalog.Get(id);
        var outcome = runner.Run(scenario, profile, seed, trace);
        var verdict = scenario.Expect(profile).Judge(outcome);
        if (json)
        {
            console.Out.WriteLine(ScenarioJson.ToJson(outcome));
            return verdict is null ? 0 : 1;
        }

        var o = console.Out;
        o.WriteLine($"{scenario.Id} on {profile} (seed {seed}): {scenario.Summary}");
        o.WriteLine($"outcome: {outcome.Summary}{(outcome.Panicked ? " (" + outcome.PanicMessage + ")" : string.Empty)}");
        foreach (var s in outcome.Signals)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  signal: {s.Comm}:{s.Pid} {Signals.Name(s.Signo)} {Signals.CodeName(s.Signo, s.SiCode)} si_addr={Printf.HashLx(s.SiAddr)} si_addr_lsb={s.SiAddrLsb}"));
        }

        foreach (var c in outcome.Syscalls)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  syscall: {c.Name} = {c.Ret}{(c.Errno != 0 ? " (" + Errno.Name(c.Errno) + ")" : string.Empty)}"));
        }

        foreach (var q in outcome.Queued)
        {
            o.WriteLine($"  memory_failure_queue(pfn {Printf.HashLx(q.Pfn)}, {q.Flags})");
        }

        foreach (var m in outcome.MemoryFailures)
        {
            o.WriteLine($"  memory_failure: pfn {Printf.HashLx(m.Pfn)}: {m.PageType}: {m.Result}");
        }

        if (outcome.Result is not null)
        {
            o.WriteLine($"  result: {outcome.Result}");
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  HardwareCorrupted: {outcome.HardwareCorruptedKb} kB"));
        o.WriteLine(verdict is null ? "matches the outcome the scenario declares for this profile" : "DIFFERS from the declared outcome: " + verdict);
        o.WriteLine();
        if (trace)
        {
            o.WriteLine("trace:");
            foreach (var line in outcome.Trace!)
            {
                o.WriteLine("  " + line);
            }

            o.WriteLine();
        }

        o.WriteLine("dmesg:");
        foreach (var line in outcome.Dmesg)
        {
            o.WriteLine("  " + line);
        }

        return verdict is null ? 0 : 1;
    }
}
