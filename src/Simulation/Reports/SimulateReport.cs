using System.Globalization;
using System.Text.Json;
using KernelModel.Simulation.Simulate;

namespace KernelModel.Simulation.Reports;

/// <summary><c>kmodel simulate</c>'s outputs: terminal tables, JSON (schema <c>kmodel.simulate/1</c>, docs/json.md) and the HTML page.</summary>
public static class SimulateReport
{
    /// <summary>The JSON schema name and version.</summary>
    public const string Schema = "kmodel.simulate/1";

    private const int TimelineLines = 40;

    /// <summary>The headline counts: injected, found, consumed, outcomes, isolated.</summary>
    public static TextTable SummaryTable(SimulationResult r)
    {
        var injected = r.Events.Where(e => e.Kind == SimulationEventKind.Injected).GroupBy(e => e.Detail.Split(' ')[0]).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Invariant($"{g.Key} {g.Count()}"));
        var user = r.ConsumedBy.Values.Sum(c => c.User);
        var fixup = r.ConsumedBy.Values.Sum(c => c.KernelFixup);
        var died = r.ConsumedBy.Values.Sum(c => c.KernelDied);
        var table = new TextTable(["", "count", "detail"], [false, true, false]);
        table.Add(("errors injected", Style.Bold), (Num(r.Count(SimulationEventKind.Injected)), Style.None), (string.Join(", ", injected), Style.None));
        table.Add(("found by the patrol scrubber first", Style.Bold), (Num(r.Count(SimulationEventKind.ScrubFound)), Style.None), ("memory_failure(pfn, 0) from a kernel worker", Style.None));
        table.Add(("consumed", Style.Bold), (Num(user + fixup + died), Style.None), (Invariant($"{user} by user-mode loads, {fixup + died} by kernel paths"), Style.None));
        table.Add(("  kernel consumptions recovered", Style.None), (Num(fixup), fixup > 0 ? Style.Good : Style.Dim), ("the exception-table fixup was taken", Style.None));
        table.Add(("  kernel consumptions fatal", Style.None), (Num(died), died > 0 ? Style.Bad : Style.Dim), ("no fixup: oops or panic", Style.None));
        table.Add(("tasks killed", Style.Bold), (Num(r.Count(SimulationEventKind.TaskKilled)), Style.Warn), ("SIGBUS (or SIGKILL)", Style.None));
        table.Add(("syscalls failed", Style.Bold), (Num(r.Count(SimulationEventKind.SyscallFailed)), Style.Warn),
            (string.Join(", ", r.Events.Where(e => e.Kind == SimulationEventKind.SyscallFailed).Select(e => e.Detail.Split(": ", 2)[1]).Distinct(StringComparer.Ordinal)), Style.None));
        table.Add(("oopses", Style.Bold), (Num(r.Count(SimulationEventKind.Oops)), r.Count(SimulationEventKind.Oops) > 0 ? Style.Bad : Style.Dim), (string.Empty, Style.None));
        table.Add(("panics", Style.Bold), (Num(r.Count(SimulationEventKind.Panic)), r.End == SimulationEnd.Panicked ? Style.Bad : Style.Good), (r.PanicMessage ?? string.Empty, Style.None));
        table.Add(("pages isolated", Style.Bold), (Num(r.PagesIsolated), Style.None), (Invariant($"HardwareCorrupted {r.PagesIsolated * 4} kB"), Style.None));
        return table;
    }

    /// <summary>Consumptions by who was running.</summary>
    public static TextTable ConsumersTable(SimulationResult r)
    {
        var table = new TextTable(["consumed by", "user mode", "kernel, fixup", "kernel, died"], [false, true, true, true]);
        foreach (var (actor, c) in r.ConsumedBy.OrderByDescending(kv => kv.Value.Total).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            table.Add((actor, Style.None), (Num(c.User), c.User > 0 ? Style.Warn : Style.Dim), (Num(c.KernelFixup), c.KernelFixup > 0 ? Style.Good : Style.Dim),
                (Num(c.KernelDied), c.KernelDied > 0 ? Style.Bad : Style.Dim));
        }

        return table;
    }

    /// <summary>The timeline without the injections.</summary>
    public static TextTable TimelineTable(SimulationResult r, int max)
    {
        var table = new TextTable(["time", "event", "actor", "detail"]);
        foreach (var e in r.Events.Where(e => e.Kind != SimulationEventKind.Injected).Take(max))
        {
            table.Add((Units.FormatDuration(TimeSpan.FromTicks(e.Nanoseconds / 100)), Style.None), (e.KindName, StyleOf(e.Kind)), (e.Actor, Style.None), (e.Detail, Style.None));
        }

        return table;
    }

    /// <summary>Writes the run for the terminal.</summary>
    public static void WriteText(TextWriter o, SimulationResult r, bool color)
    {
        var opts = r.Options;
        o.WriteLine($"kmodel simulate: {opts.Profile}, workload {opts.Workload} ({string.Join(" + ", r.Workloads)}), {Units.FormatBytes(opts.MemoryBytes)} in {Num(opts.Nodes)} nodes, {Num(opts.Cpus)} CPUs, {Units.FormatDuration(opts.Duration)}, seed {Num(opts.Seed)}");
        o.WriteLine(Invariant($"errors arrive at {opts.ErrorRate:G3} per GB-hour{(opts.ErrorRate > SimulateOptions.FieldRate ? Invariant($" (accelerated: the field rate is {SimulateOptions.FieldRate:G3})") : string.Empty)}; the patrol scrubber covers memory every {Units.FormatDuration(opts.ScrubPeriod)}; kernel.panic_on_oops={(opts.PanicOnOops ? 1 : 0)}"));
        o.WriteLine(EndText(r));
        o.WriteLine();
        SummaryTable(r).Write(o, color);
        o.WriteLine();
        if (r.ConsumedBy.Count > 0)
        {
            ConsumersTable(r).Write(o, color);
            o.WriteLine();
        }

        if (r.MemoryFailures.Count > 0)
        {
            o.WriteLine("memory_failure verdicts: " + string.Join(", ", r.MemoryFailures.Select(kv => Invariant($"{kv.Key} x{kv.Value}"))));
        }

        o.WriteLine("kernel actors: " + string.Join(", ", r.ActorRuns.Where(kv => !kv.Key.Contains('/', StringComparison.Ordinal) && kv.Key != "boot")
            .Select(kv => Invariant($"{kv.Key} ran {kv.Value} times"))) + Invariant($"; the memory_failure worker handled {r.WorkerHandled} entries; {r.Restarts} processes restarted"));
        var shown = r.Events.Count(e => e.Kind != SimulationEventKind.Injected);
        o.WriteLine();
        o.WriteLine(shown > TimelineLines
            ? Invariant($"Timeline (the first {TimelineLines} of {shown} events other than injections; --json has all {r.Events.Count}):")
            : Invariant($"Timeline (every event other than the {r.Count(SimulationEventKind.Injected)} injections; --json has them all):"));
        o.WriteLine();
        TimelineTable(r, TimelineLines).Write(o, color, indent: 2);
    }

    /// <summary>The JSON document.</summary>
    public static string ToJson(SimulationResult r)
    {
        return JsonText.Of(w =>
        {
            var o = r.Options;
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteStartObject("options");
            w.WriteString("profile", o.Profile);
            w.WriteString("workload", o.Workload);
            w.WriteNumber("duration_seconds", o.Duration.TotalSeconds);
            w.WriteNumber("memory_bytes", o.MemoryBytes);
            w.WriteNumber("nodes", o.Nodes);
            w.WriteNumber("cpus", o.Cpus);
            w.WriteNumber("seed", o.Seed);
            w.WriteNumber("error_rate_per_gb_hour", o.ErrorRate);
            w.WriteNumber("scrub_period_seconds", o.ScrubPeriod.TotalSeconds);
            w.WriteNumber("tick_seconds", o.Tick.TotalSeconds);
            w.WriteBoolean("panic_on_oops", o.PanicOnOops);
            w.WriteEndObject();
            w.WriteStartArray("workloads");
            foreach (var name in r.Workloads)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            w.WriteString("end", r.End.ToString().ToLowerInvariant());
            w.WriteNumber("elapsed_seconds", r.Elapsed.TotalSeconds);
            w.WriteString("panic_message", r.PanicMessage);
            w.WriteStartObject("counts");
            foreach (var kind in Enum.GetValues<SimulationEventKind>())
            {
                w.WriteNumber(new SimulationEvent(0, kind, string.Empty, string.Empty).KindName, r.Count(kind));
            }

            w.WriteNumber("pages_isolated", r.PagesIsolated);
            w.WriteNumber("worker_handled", r.WorkerHandled);
            w.WriteNumber("restarts", r.Restarts);
            w.WriteEndObject();
            w.WriteStartObject("consumed_by");
            foreach (var (actor, c) in r.ConsumedBy.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject(actor);
                w.WriteNumber("user", c.User);
                w.WriteNumber("kernel_fixup", c.KernelFixup);
                w.WriteNumber("kernel_died", c.KernelDied);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            WriteCounts(w, "memory_failures", r.MemoryFailures);
            WriteCounts(w, "actor_runs", r.ActorRuns.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            w.WriteStartArray("events");
            foreach (var e in r.Events)
            {
                w.WriteStartObject();
                w.WriteNumber("ns", e.Nanoseconds);
                w.WriteString("kind", e.KindName);
                w.WriteString("actor", e.Actor);
                w.WriteString("detail", e.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("dmesg");
            foreach (var line in r.Dmesg)
            {
                w.WriteStringValue(line);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>The HTML page: the error timeline, who consumed, the outcomes, and the tables.</summary>
    public static HtmlReport ToHtml(SimulationResult r)
    {
        var opts = r.Options;
        var report = new HtmlReport($"kmodel simulate: {opts.Profile}, {opts.Workload}");
        report.Paragraph($"{Units.FormatBytes(opts.MemoryBytes)} in {Num(opts.Nodes)} nodes, {Num(opts.Cpus)} CPUs, {Units.FormatDuration(opts.Duration)}, seed {Num(opts.Seed)}; workloads {string.Join(" + ", r.Workloads)}.");
        report.Paragraph(Invariant($"Errors arrive at {opts.ErrorRate:G3} per GB-hour (the field rate is {SimulateOptions.FieldRate:G3}); the patrol scrubber covers memory every {Units.FormatDuration(opts.ScrubPeriod)}. ") + EndText(r));
        report.Heading("Error timeline");
        var hours = Math.Max(r.Elapsed.TotalHours, opts.Tick.TotalHours);
        report.Chart(new LineChart("Cumulative events over the run", "hours", hours, new[]
        {
            SimulationEventKind.Injected, SimulationEventKind.ScrubFound, SimulationEventKind.Consumed, SimulationEventKind.TaskKilled, SimulationEventKind.SyscallFailed,
        }.Select(kind => Cumulative(r, kind)).ToArray()));
        report.Table(SummaryTable(r));
        report.Heading("Who consumed the poison");
        report.Chart(new HorizontalBarChart("Consumptions by workload activity or kernel actor",
            r.ConsumedBy.OrderByDescending(kv => kv.Value.Total).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => (kv.Key, (double)kv.Value.Total, kv.Value.KernelDied > 0 ? Style.Bad : kv.Value.KernelFixup > 0 ? Style.Good : Style.Warn)).ToArray()));
        report.Table(ConsumersTable(r));
        report.Heading("Outcomes");
        report.Chart(new BarChart("Outcomes of the run", "count", ["recovered in the kernel", "tasks killed", "syscalls failed", "oopses", "panics"],
        [
            new BarSeries(opts.Profile, [r.ConsumedBy.Values.Sum(c => c.KernelFixup), r.Count(SimulationEventKind.TaskKilled), r.Count(SimulationEventKind.SyscallFailed),
                r.Count(SimulationEventKind.Oops), r.Count(SimulationEventKind.Panic)]),
        ]));
        report.Heading("Timeline");
        report.Table(TimelineTable(r, 500));
        report.Heading("dmesg (the last 200 lines)");
        report.Preformatted(r.Dmesg.Skip(Math.Max(0, r.Dmesg.Count - 200)));
        return report;
    }

    private static LineSeries Cumulative(SimulationResult r, SimulationEventKind kind)
    {
        var n = 0;
        return new LineSeries(new SimulationEvent(0, kind, string.Empty, string.Empty).KindName,
            r.Events.Where(e => e.Kind == kind).Select(e => (e.Nanoseconds / 3.6e12, (double)++n)).ToArray());
    }

    private static string EndText(SimulationResult r) => r.End switch
    {
        SimulationEnd.Completed => $"ended: completed at {Units.FormatDuration(r.Elapsed)}",
        SimulationEnd.Panicked => $"ended: the machine panicked at {Units.FormatDuration(r.Elapsed)} (Kernel panic - not syncing: {r.PanicMessage}); nothing runs after a panic",
        _ => $"ended: interrupted at {Units.FormatDuration(r.Elapsed)} of {Units.FormatDuration(r.Options.Duration)}; the counts cover the time done",
    };

    private static Style StyleOf(SimulationEventKind kind) => kind switch
    {
        SimulationEventKind.Panic or SimulationEventKind.Oops => Style.Bad,
        SimulationEventKind.TaskKilled or SimulationEventKind.SyscallFailed => Style.Warn,
        SimulationEventKind.ScrubFound => Style.Good,
        _ => Style.None,
    };

    private static void WriteCounts(Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, int>> counts)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in counts)
        {
            w.WriteNumber(k, v);
        }

        w.WriteEndObject();
    }

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
