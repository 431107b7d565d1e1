using System.CommandLine;
using System.Globalization;
using KernelModel.Simulation.Reports;
using KernelModel.Simulation.Simulate;
using Microsoft.Extensions.Configuration;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel simulate --profile P --workload W [--duration 24h] [--memory 512GiB] [--nodes N] [--cpus N] [--seed N]
/// [--error-rate R|field] [--scrub-period 24h] [--tick 1m] [--panic-on-oops] [--json] [--report FILE.html]</c>: one
/// machine running a workload mix in virtual time while errors arrive (<see cref="MachineSimulation"/>). Options come
/// from appsettings.json (section Simulate), the environment (KMODEL_Simulate__...) and the command line, and are
/// validated before anything runs.
/// </summary>
public sealed class SimulateCommand(ConsoleStreams console, MachineSimulation simulation, IConfiguration config, TerminalInfo terminal) : IKmodelCommand
{
    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var profile = new Option<string?>("--profile") { Description = "architecture profile (default riscv64; Simulate:Profile)" };
        var workload = new Option<string?>("--workload")
        {
            Description = $"workload or mix joined with + (default cloud-host): {string.Join(", ", simulation.Workloads.Names)}",
        };
        var duration = new Option<string?>("--duration") { Description = "virtual time to run: 90m, 24h, 7d (default 24h)" };
        var memory = new Option<string?>("--memory") { Description = "physical memory: 64GiB, 512GiB, 1TiB (default 64GiB; riscv64 with Sv39 maps at most 128GiB)" };
        var nodes = new Option<int?>("--nodes") { Description = "NUMA nodes (default 2)" };
        var cpus = new Option<int?>("--cpus") { Description = "CPUs (default 16)" };
        var seed = new Option<int?>("--seed") { Description = "seed of every random choice (default 1)" };
        var rate = new Option<string?>("--error-rate") { Description = "errors per GB-hour, or 'field' for the field rate (default 1e-2, accelerated about 10^7 times)" };
        var scrub = new Option<string?>("--scrub-period") { Description = "the patrol scrubber's cycle over memory (default 24h)" };
        var tick = new Option<string?>("--tick") { Description = "the scheduler's step (default 1m)" };
        var panicOnOops = new Option<bool?>("--panic-on-oops") { Description = "run with kernel.panic_on_oops=1 (default off, the kernel's default)" };
        var json = new Option<bool>("--json") { Description = "the run as JSON (schema kmodel.simulate/1)" };
        var report = new Option<string?>("--report") { Description = "also write a self-contained HTML page with charts to this file" };
        var command = new Command("simulate", "one machine running a workload in virtual time while memory errors arrive")
        {
            profile, workload, duration, memory, nodes, cpus, seed, rate, scrub, tick, panicOnOops, json, report,
        };
        command.SetAction((parse, cancel) => Task.FromResult(Run(Options(parse.GetValue(profile), parse.GetValue(workload), parse.GetValue(duration),
            parse.GetValue(memory), parse.GetValue(nodes), parse.GetValue(cpus), parse.GetValue(seed), parse.GetValue(rate), parse.GetValue(scrub),
            parse.GetValue(tick), parse.GetValue(panicOnOops)), parse.GetValue(json), parse.GetValue(report), cancel)));
        root.Subcommands.Add(command);
    }

    /// <summary>The run's options from configuration, overridden by the command line.</summary>
    /// <exception cref="ArgumentException">A value is malformed; ranges are checked when the run starts.</exception>
    public SimulateOptions Options(string? profile, string? workload, string? duration, string? memory, int? nodes, int? cpus, int? seed, string? rate,
        string? scrub, string? tick, bool? panicOnOops)
    {
        var d = new SimulateOptions();
        var rateText = rate ?? Settings.String(config, "Simulate:ErrorRate", string.Empty);
        return new SimulateOptions
        {
            Profile = profile ?? Settings.String(config, "Simulate:Profile", d.Profile),
            Workload = workload ?? Settings.String(config, "Simulate:Workload", d.Workload),
            Duration = Units.ParseDuration(duration ?? Settings.String(config, "Simulate:Duration", "24h"), "--duration"),
            MemoryBytes = Units.ParseBytes(memory ?? Settings.String(config, "Simulate:Memory", "64GiB"), "--memory"),
            Nodes = nodes ?? (int)Settings.Long(config, "Simulate:Nodes", d.Nodes),
            Cpus = cpus ?? (int)Settings.Long(config, "Simulate:Cpus", d.Cpus),
            Seed = seed ?? (int)Settings.Long(config, "Simulate:Seed", d.Seed),
            ErrorRate = rateText.Length == 0 ? d.ErrorRate : rateText == "field" ? SimulateOptions.FieldRate : ParseRate(rateText),
            ScrubPeriod = Units.ParseDuration(scrub ?? Settings.String(config, "Simulate:ScrubPeriod", "24h"), "--scrub-period"),
            Tick = Units.ParseDuration(tick ?? Settings.String(config, "Simulate:Tick", "1m"), "--tick"),
            PanicOnOops = panicOnOops ?? Settings.Bool(config, "Simulate:PanicOnOops", d.PanicOnOops),
        };
    }

    /// <summary>Runs and writes the outputs; returns the exit code.</summary>
    public int Run(SimulateOptions options, bool json, string? report, CancellationToken cancel)
    {
        var reportPath = report is null ? null : ReportFile.Validate(report);
        SimulationResult result;
        using (var interrupt = Interrupt.Catch(cancel))
        using (var progress = new ProgressBar(console.Error, terminal.ErrorIsTerminal, "virtual time", (long)Math.Ceiling(options.Duration / options.Tick)))
        {
            result = simulation.Run(options, progress, interrupt.Token);
        }

        if (json)
        {
            console.Out.WriteLine(SimulateReport.ToJson(result));
        }
        else
        {
            SimulateReport.WriteText(console.Out, result, terminal.Color);
        }

        if (reportPath is not null)
        {
            ReportFile.WriteAllText(reportPath, SimulateReport.ToHtml(result).Render());
            if (!json)
            {
                console.Out.WriteLine();
                console.Out.WriteLine("report: " + reportPath);
            }
        }

        return result.End == SimulationEnd.Interrupted ? CompareCommand.Interrupted : 0;
    }

    private static double ParseRate(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
        ? v
        : throw new ArgumentException($"invalid --error-rate '{text}': give errors per GB-hour (e.g. 1e-3) or 'field'");
}
