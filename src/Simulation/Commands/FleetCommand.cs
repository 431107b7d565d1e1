using System.CommandLine;
using KernelModel.Mm;
using KernelModel.Simulation.Fleet;
using KernelModel.Simulation.Reports;
using Microsoft.Extensions.Configuration;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel fleet --machines N --years Y --profile P [--profile Q ...] [--seed S] [--shard i/n] [--param name=value]
/// [--explain] [--json] [--report FILE.html]</c>: the fleet Monte Carlo (<see cref="FleetSimulation"/>); and
/// <c>kmodel fleet merge FILE...</c>, which adds up the JSON outputs of a study's shards. Options come from
/// appsettings.json (section Fleet), the environment (KMODEL_Fleet__...) and the command line, in that order, and are
/// all validated before anything runs or is written.
/// </summary>
public sealed class FleetCommand(ConsoleStreams console, ProfileCatalog profiles, FleetSimulation fleet, IConfiguration config, TerminalInfo terminal)
    : IKmodelCommand
{
    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var machines = new Option<long?>("--machines") { Description = "machines in the fleet (default 100000; Fleet:Machines)" };
        var years = new Option<double?>("--years") { Description = "years each machine runs (default 1; Fleet:Years)" };
        var profile = new Option<string[]>("--profile") { Description = "a profile to compare; repeat it (default: each -upstream/patched pair and x86_64; Fleet:Profiles)" };
        var seed = new Option<int?>("--seed") { Description = "seed of the study (default 1; Fleet:Seed)" };
        var shard = new Option<string?>("--shard") { Description = "run shard i of n (i/n, 1-based); merge the outputs with kmodel fleet merge" };
        var threads = new Option<int?>("--threads") { Description = "cores to use, 0 for all (default 0; the result does not depend on it)" };
        var param = new Option<string[]>("--param") { Description = "set a model parameter: name=value (--explain lists them with their sources)" };
        var explain = new Option<bool>("--explain") { Description = "print every parameter with its value, range and source, and how outcomes are computed; run nothing" };
        var json = new Option<bool>("--json") { Description = "the result as JSON (schema kmodel.fleet/1), the input of kmodel fleet merge" };
        var report = new Option<string?>("--report") { Description = "also write a self-contained HTML page with charts to this file" };
        var command = new Command("fleet", "a Monte Carlo over machine-years on field-study error rates; outcomes per profile per 1000 machine-years")
        {
            machines, years, profile, seed, shard, threads, param, explain, json, report,
        };
        command.SetAction((parse, cancel) => Task.FromResult(Run(Options(parse.GetValue(machines), parse.GetValue(years), parse.GetValue(profile), parse.GetValue(seed),
            parse.GetValue(shard), parse.GetValue(threads), parse.GetValue(param)), parse.GetValue(explain), parse.GetValue(json), parse.GetValue(report), cancel)));

        var files = new Argument<string[]>("files") { Description = "the JSON outputs of the shards (kmodel fleet --shard i/n --json)", Arity = ArgumentArity.OneOrMore };
        var mergeJson = new Option<bool>("--json") { Description = "the merged result as JSON" };
        var mergeReport = new Option<string?>("--report") { Description = "also write the HTML page of the merged result" };
        var merge = new Command("merge", "add up the JSON outputs of the shards of one fleet study") { files, mergeJson, mergeReport };
        merge.SetAction(parse => Merge(parse.GetValue(files)!, parse.GetValue(mergeJson), parse.GetValue(mergeReport)));
        command.Subcommands.Add(merge);
        root.Subcommands.Add(command);
    }

    /// <summary>The study from configuration, overridden by what the command line gave; validated.</summary>
    /// <exception cref="ArgumentException">A value is malformed or out of range.</exception>
    public FleetOptions Options(long? machines, double? years, string[]? profile, int? seed, string? shard, int? threads, string[]? param)
    {
        var o = new FleetOptions
        {
            Machines = machines ?? Settings.Long(config, "Fleet:Machines", new FleetOptions().Machines),
            Years = years ?? Settings.Double(config, "Fleet:Years", 1),
            Profiles = profile is { Length: > 0 } ? profile : Settings.Strings(config, "Fleet:Profiles", FleetOptions.DefaultProfiles),
            Seed = seed ?? (int)Settings.Long(config, "Fleet:Seed", 1),
            Threads = threads ?? (int)Settings.Long(config, "Fleet:Threads", 0),
            Shard = shard is null ? FleetShard.Whole : FleetShard.Parse(shard),
        };
        foreach (var (name, value) in Settings.Pairs(config, "Fleet:Parameters"))
        {
            o = o.WithAssignment($"{name}={value}", $"Fleet:Parameters:{name}");
        }

        foreach (var assignment in param ?? [])
        {
            o = o.WithAssignment(assignment, "--param");
        }

        o.Validate(profiles.All.Select(p => p.Name));
        return o;
    }

    /// <summary>Runs the study (or explains it) and writes the outputs; returns the exit code.</summary>
    public int Run(FleetOptions options, bool explain, bool json, string? report, CancellationToken cancel)
    {
        if (explain)
        {
            FleetReport.WriteExplain(console.Out, options);
            return 0;
        }

        var reportPath = report is null ? null : ReportFile.Validate(report);
        var (start, end) = options.Shard.Range(options.Machines);
        FleetResult result;
        using (var interrupt = Interrupt.Catch(cancel))
        using (var progress = new ProgressBar(console.Error, terminal.ErrorIsTerminal, "fleet machines", end - start))
        {
            result = fleet.Run(options, progress, interrupt.Token);
        }

        Write(result, json, reportPath);
        return result.Complete ? 0 : CompareCommand.Interrupted;
    }

    /// <summary>Merges shard outputs and writes the merged result; returns the exit code.</summary>
    public int Merge(string[] files, bool json, string? report)
    {
        var reportPath = report is null ? null : ReportFile.Validate(report);
        var parts = new List<(string, FleetResult)>();
        foreach (var file in files)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"cannot read '{file}': {e.Message}");
            }

            parts.Add((file, FleetJson.Read(text, file)));
        }

        var merged = FleetMerge.Merge(parts);
        Write(merged, json, reportPath);
        return 0;
    }

    private void Write(FleetResult result, bool json, string? reportPath)
    {
        if (json)
        {
            console.Out.WriteLine(FleetJson.Write(result));
        }
        else
        {
            FleetReport.WriteText(console.Out, result, terminal.Color);
        }

        if (reportPath is not null)
        {
            ReportFile.WriteAllText(reportPath, FleetReport.ToHtml(result).Render());
            if (!json)
            {
                console.Out.WriteLine("report: " + reportPath);
            }
        }
    }
}
