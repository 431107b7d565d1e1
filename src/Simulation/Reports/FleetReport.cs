using System.Globalization;
using KernelModel.Simulation.Fleet;

namespace KernelModel.Simulation.Reports;

/// <summary>The fleet study's terminal tables, its <c>--explain</c> listing and its HTML page.</summary>
public static class FleetReport
{
    private static readonly (ConsumptionOutcome Outcome, string Header, Style Style)[] Columns =
    [
        (ConsumptionOutcome.Panic, "panics", Style.Bad),
        (ConsumptionOutcome.Oops, "oopses", Style.Bad),
        (ConsumptionOutcome.Killed, "tasks killed", Style.Warn),
        (ConsumptionOutcome.SyscallFailed, "failed syscalls", Style.Warn),
        (ConsumptionOutcome.ShortRead, "short reads", Style.Warn),
        (ConsumptionOutcome.Recovered, "recovered", Style.Good),
        (ConsumptionOutcome.NotModelled, "not modelled", Style.Dim),
    ];

    /// <summary>Per profile: each outcome per 1000 machine-years with its interval, and the kernel-mode deaths.</summary>
    public static TextTable RatesTable(FleetResult r)
    {
        var columns = VisibleColumns(r);
        var table = new TextTable(["profile", .. columns.Select(c => c.Header), "kernel-mode deaths"], [false, .. columns.Select(_ => true), true]);
        foreach (var profile in r.Options.Profiles)
        {
            var t = r.TallyOf(profile);
            var cells = new List<(string, Style)> { (profile, Style.Bold) };
            foreach (var (outcome, _, style) in columns)
            {
                var rate = r.RateOf(profile, outcome);
                cells.Add((Interval(rate), rate.Count > 0 ? style : Style.Dim));
            }

            cells.Add((Invariant($"{t.KernelModeDeaths} of {t.KernelMode}"), t.KernelModeDeaths > 0 ? Style.Bad : Style.Good));
            table.Add([.. cells]);
        }

        return table;
    }

    /// <summary>Each architecture before and after its patch, on the same machines and errors; and the yardstick.</summary>
    public static TextTable ComparisonTable(FleetResult r)
    {
        var table = new TextTable(["architecture", "before", "panics / 1000 machine-years", "after", "panics / 1000 machine-years", "change"],
            [false, false, true, false, true, true]);
        foreach (var (arch, before, after) in ProfileOrder.Pairs(r.Options.Profiles))
        {
            var b = r.RateOf(before, ConsumptionOutcome.Panic);
            var a = r.RateOf(after, ConsumptionOutcome.Panic);
            var change = b.PerThousand > 0 ? Invariant($"{100 * (a.PerThousand - b.PerThousand) / b.PerThousand:+0;-0;0} %") : "-";
            table.Add((arch, Style.Bold), (before, Style.None), (Interval(b), Style.Bad), (after, Style.None), (Interval(a), a.Count < b.Count ? Style.Good : Style.Bad),
                (change, Style.None));
        }

        if (r.Options.Profiles.Contains(ProfileOrder.Yardstick))
        {
            var y = r.RateOf(ProfileOrder.Yardstick, ConsumptionOutcome.Panic);
            table.Add((ProfileOrder.Yardstick + " (yardstick)", Style.Bold), (string.Empty, Style.None), (string.Empty, Style.None), (ProfileOrder.Yardstick, Style.None),
                (Interval(y), Style.None), (string.Empty, Style.None));
        }

        return table;
    }

    /// <summary>Consumptions by consumer and placement (the consumer mix) on the first profile.</summary>
    public static TextTable MixTable(FleetResult r)
    {
        var t = r.Tallies[0];
        var total = Math.Max(1, t.ByConsumer.Values.Sum());
        var table = new TextTable(["consumer/placement", "consumptions", "share"], [false, true, true]);
        foreach (var (k, v) in t.ByConsumer.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            table.Add(k, Invariant($"{v}"), Invariant($"{100.0 * v / total:0.0} %"));
        }

        return table;
    }

    /// <summary>The model runs behind the outcomes: what each (consumer, placement) did on each profile.</summary>
    public static TextTable RunsTable(FleetResult r)
    {
        var table = new TextTable(["consumer/placement", .. r.Options.Profiles]);
        foreach (var group in r.Runs.GroupBy(x => x.Consumer + "/" + x.Placement))
        {
            var cells = new List<(string, Style)> { (group.Key, Style.None) };
            foreach (var profile in r.Options.Profiles)
            {
                var run = group.FirstOrDefault(x => x.Profile == profile);
                cells.Add(run.Consumer is null ? ("-", Style.Dim) : Cell(run.Consumption));
            }

            table.Add([.. cells]);
        }

        return table;
    }

    /// <summary>Writes the study for the terminal.</summary>
    public static void WriteText(TextWriter o, FleetResult r, bool color)
    {
        var opts = r.Options;
        var t = r.Tallies[0];
        o.WriteLine(Invariant($"kmodel fleet: {r.MachinesDone} machines x {Years(opts.Years)} = {r.MachineYears:0.###} machine-years, seed {opts.Seed}, {ShardText(r)}"));
        if (!r.Complete)
        {
            o.WriteLine(Invariant($"interrupted: {r.MachinesDone} of {r.MachinesPlanned} machines ran; the rates are over those"));
        }

        o.WriteLine(Invariant($"errors: {t.Faults} UE-causing faults poisoned {t.Errors} pages; the patrol scrubber found {t.ScrubFound} first ({t.ScrubContained} contained); {t.Consumptions - t.Dma} consumed by CPUs ({t.UserMode} in user mode, {t.KernelMode} in kernel mode on {opts.Profiles[0]}), {t.Dma} by devices (not modelled)"));
        o.WriteLine();
        o.WriteLine("Outcomes per 1000 machine-years (95 % interval); kernel-mode deaths: kernel-mode consumptions after which the kernel died");
        o.WriteLine();
        RatesTable(r).Write(o, color);
        o.WriteLine();
        o.WriteLine("Before and after the patch (the same machines and the same errors on both profiles)");
        o.WriteLine();
        ComparisonTable(r).Write(o, color);
        o.WriteLine();
        o.WriteLine($"Consumer mix (consumptions on {opts.Profiles[0]})");
        o.WriteLine();
        MixTable(r).Write(o, color);
        o.WriteLine();
        o.WriteLine(Invariant($"Each outcome is computed: every (consumer, placement, profile) was run once on a small machine of that profile ({r.Runs.Count} runs) and the run's outcome is used for each consumption of that kind:"));
        o.WriteLine();
        RunsTable(r).Write(o, color);
        var notModelled = r.Runs.Where(x => x.Consumption.Outcome == ConsumptionOutcome.NotModelled).Select(x => x.Consumer + "/" + x.Placement + ": " + x.Consumption.Detail)
            .Distinct(StringComparer.Ordinal).ToArray();
        if (notModelled.Length > 0 || t.Dma > 0)
        {
            o.WriteLine();
            o.WriteLine("Not modelled (counted apart, never given an outcome):");
            if (t.Dma > 0)
            {
                o.WriteLine(Invariant($"  {t.Dma} consumptions by devices (DMA): the model has no device path"));
            }

            foreach (var line in notModelled)
            {
                o.WriteLine("  " + line);
            }
        }

        o.WriteLine();
        o.WriteLine(Invariant($"Parameters: field-rates defaults, {opts.Parameters.Count(p => p.Value != FieldRates.Get(p.Key).Default)} changed; kmodel fleet --explain lists each with its source."));
    }

    /// <summary>The --explain listing: every parameter, its value, range, provenance and source, and how outcomes are computed.</summary>
    public static void WriteExplain(TextWriter o, FleetOptions opts)
    {
        o.WriteLine("kmodel fleet: the model's inputs (defaults from ../shared/reference/field-rates.md, section 7)");
        o.WriteLine();
        o.WriteLine("Provenance: P primary text, S quoted by a secondary source, C primary table as encoded in simulator code, M from memory,");
        o.WriteLine("E estimate (not a measured field value). Change a value with --param name=value, or Fleet:Parameters:name in appsettings.json");
        o.WriteLine("or the environment (KMODEL_Fleet__Parameters__name).");
        o.WriteLine();
        foreach (var p in FieldRates.Parameters)
        {
            var value = opts[p.Name];
            var changed = value != p.Default ? Invariant($" (default {FleetParameter.Format(p.Default)})") : string.Empty;
            o.WriteLine($"{p.Name} = {FleetParameter.Format(value)}{changed}   [{p.Flag}{(p.IsEstimate ? ", estimate" : string.Empty)}]   range {p.Range}");
            o.WriteLine($"    {p.Description}");
            o.WriteLine($"    source: {p.Source}");
        }

        var perYear = opts[FieldRates.Rate] * opts[FieldRates.MemoryGb] * FieldRates.HoursPerYear;
        o.WriteLine();
        o.WriteLine(Invariant($"Check: {perYear:G3} UE-causing faults per machine-year at {opts[FieldRates.MemoryGb]:0} GB, P(at least one per year) = {100 * (1 - Math.Exp(-perYear)):0.##} % before heterogeneity (field anchors: 0.36 %/yr Facebook DDR3 [S], 1.3 %/yr Google [S], target 1.1 % at 1 TB [E])."));
        o.WriteLine();
        o.WriteLine("How a machine is drawn: faults ~ Poisson(rate x GB x hours x lognormal multiplier); each fault permanent or not, one or more pages;");
        o.WriteLine("each page found by the scrubber first (class from the composition) or consumed: by a device (not modelled), in user mode, or in");
        o.WriteLine("kernel mode (row from the kernel split, then consumer and placement from its mix). A page that a consumption or the scrubber");
        o.WriteLine("left uncontained is consumed again, for a permanent fault, with the recurrence probability.");
        o.WriteLine("How an outcome is computed: the consumer runs on a small machine of the profile (the real paths, hwpoison and the trap);");
        o.WriteLine("each (consumer, placement, profile) runs once per study and its outcome is reused for every consumption of that kind.");
        o.WriteLine();
        o.WriteLine("Consumer mix rows:");
        foreach (var (row, parameter, mix) in FieldRates.Rows)
        {
            var share = parameter is null ? "user mode" : Invariant($"{parameter} = {FleetParameter.Format(opts[parameter])}");
            o.WriteLine($"  {row} ({share}): {string.Join(", ", mix.Select(m => $"{m.Consumer}/{m.Placement} {FleetParameter.Format(opts[FieldRates.MixParameter(m.Consumer, m.Placement)])}"))}");
        }
    }

    /// <summary>The HTML page: outcomes per profile, the error timeline, the consumer mix, and the tables.</summary>
    public static HtmlReport ToHtml(FleetResult r)
    {
        var opts = r.Options;
        var report = new HtmlReport("kmodel fleet: memory errors over a fleet, before and after the patch");
        report.Paragraph(Invariant($"{r.MachinesDone} machines x {Years(opts.Years)} = {r.MachineYears:0.###} machine-years, seed {opts.Seed}, {ShardText(r)}."));
        if (!r.Complete)
        {
            report.Paragraph(Invariant($"Interrupted: {r.MachinesDone} of {r.MachinesPlanned} machines ran."));
        }

        var shown = new[] { ConsumptionOutcome.Panic, ConsumptionOutcome.Killed, ConsumptionOutcome.SyscallFailed };
        report.Heading("Outcomes per profile");
        report.Chart(new BarChart("Outcomes per 1000 machine-years (95 % interval)", "per 1000 machine-years", ["panics", "tasks killed", "failed syscalls"],
            opts.Profiles.Select(p =>
            {
                var rates = shown.Select(o => r.RateOf(p, o)).ToArray();
                return new BarSeries(p, rates.Select(x => x.PerThousand).ToArray(), rates.Select(x => x.Low).ToArray(), rates.Select(x => x.High).ToArray());
            }).ToArray()));
        report.Table(RatesTable(r));
        report.Heading("Before and after the patch");
        report.Table(ComparisonTable(r));
        report.Heading("Error timeline");
        var (bins, binYears) = FleetResult.Bins(opts.Years);
        var t0 = r.Tallies[0];
        var series = new List<LineSeries>
        {
            Cumulative("errors", t0.TimelineErrors, binYears),
            Cumulative("consumed", t0.TimelineConsumed, binYears),
        };
        series.AddRange(opts.Profiles.Select(p => Cumulative("panics, " + p, r.TallyOf(p).TimelinePanics, binYears)));
        report.Chart(new LineChart(Invariant($"Cumulative errors, consumptions and panics over the study ({bins} bins)"), "years", opts.Years, series));
        report.Heading("Consumer mix");
        report.Chart(new HorizontalBarChart($"Consumptions by consumer and placement ({opts.Profiles[0]})",
            t0.ByConsumer.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => (kv.Key, (double)kv.Value, kv.Key.StartsWith("user-load", StringComparison.Ordinal) ? Style.Warn : Style.None)).ToArray()));
        report.Table(MixTable(r));
        report.Heading("The model runs behind the outcomes");
        report.Paragraph("Each (consumer, placement, profile) ran once on a small machine of that profile; its outcome is used for every consumption of that kind.", note: true);
        report.Table(RunsTable(r));
        report.Heading("Parameters");
        var parameters = new TextTable(["parameter", "value", "provenance", "source"]);
        foreach (var p in FieldRates.Parameters)
        {
            parameters.Add(p.Name, FleetParameter.Format(opts[p.Name]), p.Flag + (p.IsEstimate ? ", estimate" : string.Empty), p.Source);
        }

        report.Table(parameters);
        return report;
    }

    private static LineSeries Cumulative(string name, long[] bins, double binYears)
    {
        var points = new List<(double, double)>();
        var sum = 0L;
        for (var i = 0; i < bins.Length; i++)
        {
            if (bins[i] == 0)
            {
                continue;
            }

            sum += bins[i];
            points.Add((i * binYears, sum));
        }

        return new LineSeries(name, points);
    }

    private static (ConsumptionOutcome Outcome, string Header, Style Style)[] VisibleColumns(FleetResult r) =>
        Columns.Where(c => c.Outcome is ConsumptionOutcome.Panic or ConsumptionOutcome.Killed or ConsumptionOutcome.SyscallFailed ||
            r.Tallies.Any(t => t[c.Outcome] > 0)).ToArray();

    // A run that hurt nobody but left the page uncontained (memory_failure ignored a kernel page) says so.
    private static (string, Style) Cell(Consumption c) => c.Outcome == ConsumptionOutcome.Recovered && !c.Contained
        ? ("not contained", Style.Warn)
        : (Consumption.Name(c.Outcome), StyleOf(c.Outcome));

    private static string Years(double years) => years == 1 ? "1 year" : Invariant($"{years:0.###} years");

    private static Style StyleOf(ConsumptionOutcome outcome) => outcome switch
    {
        ConsumptionOutcome.Panic or ConsumptionOutcome.Oops => Style.Bad,
        ConsumptionOutcome.Recovered => Style.Good,
        ConsumptionOutcome.NotModelled or ConsumptionOutcome.NotConsumed => Style.Dim,
        _ => Style.Warn,
    };

    private static string Interval(RateInterval rate) => Invariant($"{rate.PerThousand:0.00} ({rate.Low:0.00}-{rate.High:0.00})");

    private static string ShardText(FleetResult r) => r.Options.Shard.Count == 1
        ? "one shard"
        : $"shards {string.Join(",", r.Shards.Select(s => s.ToString(CultureInfo.InvariantCulture)))} of {r.Options.Shard.Count.ToString(CultureInfo.InvariantCulture)}";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
