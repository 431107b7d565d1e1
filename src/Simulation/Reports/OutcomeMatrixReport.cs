using System.Globalization;
using System.Text.Json;

namespace KernelModel.Simulation.Reports;

/// <summary>
/// The default job's outputs: the terminal tables, the JSON (schema <c>kmodel.matrix/1</c>, documented in
/// docs/json.md) and the HTML page.
/// </summary>
public static class OutcomeMatrixReport
{
    /// <summary>The JSON schema name and version.</summary>
    public const string Schema = "kmodel.matrix/1";

    private const string Legend =
        "Cells: panic = the machine panicked; oops = the kernel died in the task (a panic with kernel.panic_on_oops=1); SIGBUS / SIGKILL = " +
        "a task was killed; an errno = the first syscall that failed; short read; recovered = none of these.";

    /// <summary>The matrix as a table: one row per scenario, one column per profile.</summary>
    public static TextTable MatrixTable(OutcomeMatrix m)
    {
        var table = new TextTable(["scenario", .. m.Profiles]);
        for (var s = 0; s < m.Scenarios.Count; s++)
        {
            var row = new List<(string, Style)> { (m.Scenarios[s].Id, Style.None) };
            for (var p = 0; p < m.Profiles.Count; p++)
            {
                row.Add(m.Cells[s, p] is { } c ? (c.Summary + (c.Differs is null ? string.Empty : "!"), c.Style) : ("-", Style.Dim));
            }

            table.Add([.. row]);
        }

        return table;
    }

    /// <summary>The headline as a table: per architecture, before and after the patch, and the yardstick.</summary>
    public static TextTable HeadlineTable(OutcomeMatrix m)
    {
        var table = new TextTable(["architecture", "before the patch", "kernel dies", "after the patch", "kernel dies"], [false, false, true, false, true]);
        foreach (var h in m.Headlines)
        {
            table.Add((h.Architecture, Style.Bold), (h.Before.Profile, Style.None), Count(h.Before), (h.After.Profile, Style.None), Count(h.After));
        }

        if (m.Yardstick is { } y)
        {
            table.Add((y.Profile + " (yardstick)", Style.Bold), (string.Empty, Style.None), (string.Empty, Style.None), (y.Profile, Style.None), Count(y));
        }

        return table;
    }

    /// <summary>Writes the tables for the terminal.</summary>
    public static void WriteText(TextWriter o, OutcomeMatrix m, bool color)
    {
        o.WriteLine(Invariant($"kmodel: every catalogue scenario under every profile ({m.Scenarios.Count} scenarios x {m.Profiles.Count} profiles, seed {m.Seed})"));
        if (!m.Complete)
        {
            o.WriteLine("interrupted: the cells marked - did not run");
        }

        o.WriteLine();
        MatrixTable(m).Write(o, color);
        o.WriteLine();
        o.WriteLine(Legend);
        o.WriteLine();
        o.WriteLine("Before and after the patch: of the scenarios that consume the poison in kernel mode, how many kill the kernel");
        o.WriteLine();
        HeadlineTable(m).Write(o, color);
        var differences = m.Differences().ToArray();
        if (differences.Length > 0)
        {
            o.WriteLine();
            o.WriteLine("Cells marked ! differ from the outcome the scenario declares for the profile:");
            foreach (var (scenario, profile, differs) in differences)
            {
                o.WriteLine($"  {scenario} on {profile}: {differs}");
            }
        }
    }

    /// <summary>The JSON document.</summary>
    public static string ToJson(OutcomeMatrix m)
    {
        return JsonText.Of(w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteNumber("seed", m.Seed);
            w.WriteBoolean("complete", m.Complete);
            w.WriteStartArray("profiles");
            foreach (var p in m.Profiles)
            {
                w.WriteStringValue(p);
            }

            w.WriteEndArray();
            w.WriteStartArray("scenarios");
            for (var s = 0; s < m.Scenarios.Count; s++)
            {
                w.WriteStartObject();
                w.WriteString("id", m.Scenarios[s].Id);
                w.WriteString("summary", m.Scenarios[s].Summary);
                w.WriteStartArray("cells");
                for (var p = 0; p < m.Profiles.Count; p++)
                {
                    if (m.Cells[s, p] is not { } c)
                    {
                        continue;
                    }

                    w.WriteStartObject();
                    w.WriteString("profile", m.Profiles[p]);
                    w.WriteString("outcome", c.Summary);
                    w.WriteBoolean("kernel_mode", c.KernelMode);
                    w.WriteBoolean("kernel_died", c.KernelDied);
                    w.WriteBoolean("panicked", c.Panicked);
                    w.WriteBoolean("matches_declared", c.Differs is null);
                    w.WriteString("differs", c.Differs);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("headline");
            foreach (var h in m.Headlines)
            {
                w.WriteStartObject();
                w.WriteString("architecture", h.Architecture);
                WriteDeaths(w, "before", h.Before);
                WriteDeaths(w, "after", h.After);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (m.Yardstick is { } y)
            {
                WriteDeaths(w, "yardstick", y);
            }
            else
            {
                w.WriteNull("yardstick");
            }

            w.WriteEndObject();
        });
    }

    /// <summary>The HTML page: the matrix as a coloured grid, the headline as bars, and both tables.</summary>
    public static HtmlReport ToHtml(OutcomeMatrix m)
    {
        var report = new HtmlReport("kmodel: the outcome matrix, before and after the patch");
        report.Paragraph(Invariant($"Every catalogue scenario under every profile: {m.Scenarios.Count} scenarios x {m.Profiles.Count} profiles, seed {m.Seed}."));
        report.Heading("Before and after the patch");
        var rows = m.Headlines.Select(h => (h.Architecture, (double)h.Before.Killed, (double)h.After.Killed)).ToList();
        if (m.Yardstick is { } y)
        {
            rows.Add((y.Profile + " (yardstick)", double.NaN, y.Killed));
        }

        report.Chart(new BarChart("Kernel-mode consumptions that kill the kernel", "scenarios", rows.Select(r => r.Item1).ToArray(),
        [
            new BarSeries("before the patch", rows.Select(r => double.IsNaN(r.Item2) ? 0 : r.Item2).ToArray()),
            new BarSeries("after the patch", rows.Select(r => r.Item3).ToArray()),
        ]));
        report.Table(HeadlineTable(m));
        report.Heading("Outcome matrix");
        report.Chart(new MatrixChart("Outcome of each scenario on each profile", m.Scenarios.Select(s => s.Id).ToArray(), m.Profiles,
            (s, p) => m.Cells[s, p] is { } c ? (c.Summary, c.Style) : ("-", Style.Dim)));
        report.Paragraph(Legend, note: true);
        report.Table(MatrixTable(m));
        return report;
    }

    private static (string, Style) Count(KernelDeaths d) =>
        (Invariant($"{d.Killed} of {d.KernelMode} ({d.Panicked} panic)"), d.Killed > 0 ? Style.Bad : d.KernelMode > 0 ? Style.Good : Style.Dim);

    private static void WriteDeaths(Utf8JsonWriter w, string name, KernelDeaths d)
    {
        w.WriteStartObject(name);
        w.WriteString("profile", d.Profile);
        w.WriteNumber("kernel_mode", d.KernelMode);
        w.WriteNumber("killed", d.Killed);
        w.WriteNumber("panicked", d.Panicked);
        w.WriteEndObject();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
