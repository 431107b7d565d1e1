using System.Collections.Immutable;
using System.Text.Json;
using KernelModel.Simulation.Reports;

namespace KernelModel.Simulation.Fleet;

/// <summary>
/// The JSON of a fleet study, schema <c>kmodel.fleet/1</c> (docs/json.md): the study, the integer tallies per profile
/// (what <c>kmodel fleet merge</c> adds up), the rates per 1000 machine-years with their intervals, the before/after
/// comparisons, and the model runs behind every outcome. Field order is fixed and nothing depends on the host (no
/// time, no core count), so the same study gives the same bytes.
/// </summary>
public static class FleetJson
{
    /// <summary>The schema name and version.</summary>
    public const string Schema = "kmodel.fleet/1";

    /// <summary>Writes the result as indented JSON.</summary>
    public static string Write(FleetResult r)
    {
        return JsonText.Of(w =>
        {
            var o = r.Options;
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteNumber("seed", o.Seed);
            w.WriteNumber("machines", o.Machines);
            w.WriteNumber("years", o.Years);
            w.WriteStartArray("profiles");
            foreach (var p in o.Profiles)
            {
                w.WriteStringValue(p);
            }

            w.WriteEndArray();
            w.WriteNumber("shard_count", o.Shard.Count);
            w.WriteStartArray("shards");
            foreach (var s in r.Shards)
            {
                w.WriteNumberValue(s);
            }

            w.WriteEndArray();
            w.WriteBoolean("complete", r.Complete);
            w.WriteBoolean("all_shards", r.AllShards);
            w.WriteNumber("machines_done", r.MachinesDone);
            w.WriteNumber("machine_years", r.MachineYears);
            w.WriteStartObject("parameters");
            foreach (var (k, v) in o.Parameters)
            {
                w.WriteNumber(k, v);
            }

            w.WriteEndObject();
            w.WriteStartArray("results");
            foreach (var profile in o.Profiles)
            {
                WriteProfile(w, r, profile);
            }

            w.WriteEndArray();
            w.WriteStartArray("comparisons");
            foreach (var (arch, before, after) in ProfileOrder.Pairs(o.Profiles))
            {
                w.WriteStartObject();
                w.WriteString("architecture", arch);
                w.WriteString("before", before);
                w.WriteString("after", after);
                w.WriteNumber("panics_before", r.RateOf(before, ConsumptionOutcome.Panic).PerThousand);
                w.WriteNumber("panics_after", r.RateOf(after, ConsumptionOutcome.Panic).PerThousand);
                w.WriteNumber("kernel_mode_deaths_before", r.TallyOf(before).KernelModeDeaths);
                w.WriteNumber("kernel_mode_deaths_after", r.TallyOf(after).KernelModeDeaths);
                w.WriteNumber("kernel_mode_consumptions", r.TallyOf(after).KernelMode);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("model_runs");
            foreach (var (consumer, placement, profile, c) in r.Runs)
            {
                w.WriteStartObject();
                w.WriteString("consumer", consumer);
                w.WriteString("placement", placement);
                w.WriteString("profile", profile);
                w.WriteString("outcome", Consumption.Name(c.Outcome));
                w.WriteBoolean("kernel_mode", c.KernelMode);
                w.WriteBoolean("contained", c.Contained);
                w.WriteString("detail", c.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Reads a result written by <see cref="Write"/> (a shard's output, for merging).</summary>
    /// <exception cref="ArgumentException">Not a kmodel.fleet/1 document, or a field missing or malformed; the message names it.</exception>
    public static FleetResult Read(string json, string origin)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (!root.TryGetProperty("schema", out var schema) || schema.GetString() != Schema)
            {
                throw new ArgumentException($"{origin}: not a {Schema} document (the JSON of kmodel fleet --json)");
            }

            var parameters = root.GetProperty("parameters").EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
            var options = new FleetOptions
            {
                Seed = root.GetProperty("seed").GetInt32(),
                Machines = root.GetProperty("machines").GetInt64(),
                Years = root.GetProperty("years").GetDouble(),
                Profiles = root.GetProperty("profiles").EnumerateArray().Select(p => p.GetString()!).ToArray(),
                Shard = new FleetShard(1, root.GetProperty("shard_count").GetInt32()),
                Parameters = parameters,
            };
            var shards = root.GetProperty("shards").EnumerateArray().Select(s => s.GetInt32()).ToArray();
            var bins = FleetResult.Bins(options.Years).Count;
            var tallies = root.GetProperty("results").EnumerateArray().Select(p => ReadTally(p.GetProperty("tally"), bins)).ToArray();
            var runs = root.GetProperty("model_runs").EnumerateArray().Select(m => (m.GetProperty("consumer").GetString()!, m.GetProperty("placement").GetString()!,
                m.GetProperty("profile").GetString()!, new Consumption(Enum.GetValues<ConsumptionOutcome>().Single(v => Consumption.Name(v) == m.GetProperty("outcome").GetString()),
                    m.GetProperty("kernel_mode").GetBoolean(), m.GetProperty("contained").GetBoolean(), m.GetProperty("detail").GetString()!))).ToArray();
            if (tallies.Length != options.Profiles.Count)
            {
                throw new ArgumentException($"{origin}: {tallies.Length} results for {options.Profiles.Count} profiles");
            }

            return new FleetResult(options, shards, tallies, runs);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"{origin}: malformed {Schema} document: {e.Message}");
        }
    }

    private static void WriteProfile(Utf8JsonWriter w, FleetResult r, string profile)
    {
        var t = r.TallyOf(profile);
        w.WriteStartObject();
        w.WriteString("profile", profile);
        w.WriteStartObject("rates_per_1000_machine_years");
        foreach (var outcome in Enum.GetValues<ConsumptionOutcome>())
        {
            var rate = r.RateOf(profile, outcome);
            w.WriteStartObject(Consumption.Name(outcome));
            w.WriteNumber("count", rate.Count);
            w.WriteNumber("rate", rate.PerThousand);
            w.WriteNumber("low", rate.Low);
            w.WriteNumber("high", rate.High);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteStartObject("tally");
        w.WriteNumber("machines", t.Machines);
        w.WriteNumber("faults", t.Faults);
        w.WriteNumber("errors", t.Errors);
        w.WriteNumber("scrub_found", t.ScrubFound);
        w.WriteNumber("scrub_contained", t.ScrubContained);
        w.WriteNumber("consumptions", t.Consumptions);
        w.WriteNumber("dma", t.Dma);
        w.WriteNumber("user_mode", t.UserMode);
        w.WriteNumber("kernel_mode", t.KernelMode);
        w.WriteNumber("kernel_mode_deaths", t.KernelModeDeaths);
        w.WriteNumber("recurrences", t.Recurrences);
        WriteCounts(w, "outcomes", t.Outcomes);
        WriteCounts(w, "outcome_squares", t.OutcomeSquares);
        w.WriteStartObject("by_consumer");
        foreach (var (k, v) in t.ByConsumer)
        {
            w.WriteNumber(k, v);
        }

        w.WriteEndObject();
        w.WriteStartObject("timeline");
        WriteArray(w, "errors", t.TimelineErrors);
        WriteArray(w, "consumed", t.TimelineConsumed);
        WriteArray(w, "panics", t.TimelinePanics);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter w, string name, long[] counts)
    {
        w.WriteStartObject(name);
        foreach (var outcome in Enum.GetValues<ConsumptionOutcome>())
        {
            w.WriteNumber(Consumption.Name(outcome), counts[(int)outcome]);
        }

        w.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter w, string name, long[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    private static FleetTally ReadTally(JsonElement e, int bins)
    {
        var t = new FleetTally(bins)
        {
            Machines = e.GetProperty("machines").GetInt64(),
            Faults = e.GetProperty("faults").GetInt64(),
            Errors = e.GetProperty("errors").GetInt64(),
            ScrubFound = e.GetProperty("scrub_found").GetInt64(),
            ScrubContained = e.GetProperty("scrub_contained").GetInt64(),
            Consumptions = e.GetProperty("consumptions").GetInt64(),
            Dma = e.GetProperty("dma").GetInt64(),
            UserMode = e.GetProperty("user_mode").GetInt64(),
            KernelMode = e.GetProperty("kernel_mode").GetInt64(),
            KernelModeDeaths = e.GetProperty("kernel_mode_deaths").GetInt64(),
            Recurrences = e.GetProperty("recurrences").GetInt64(),
        };
        foreach (var outcome in Enum.GetValues<ConsumptionOutcome>())
        {
            t.Outcomes[(int)outcome] = e.GetProperty("outcomes").GetProperty(Consumption.Name(outcome)).GetInt64();
            t.OutcomeSquares[(int)outcome] = e.GetProperty("outcome_squares").GetProperty(Consumption.Name(outcome)).GetInt64();
        }

        foreach (var c in e.GetProperty("by_consumer").EnumerateObject())
        {
            t.ByConsumer[c.Name] = c.Value.GetInt64();
        }

        var timeline = e.GetProperty("timeline");
        ReadArray(timeline.GetProperty("errors"), t.TimelineErrors);
        ReadArray(timeline.GetProperty("consumed"), t.TimelineConsumed);
        ReadArray(timeline.GetProperty("panics"), t.TimelinePanics);
        return t;
    }

    private static void ReadArray(JsonElement e, long[] into)
    {
        var values = e.EnumerateArray().Select(v => v.GetInt64()).ToArray();
        if (values.Length != into.Length)
        {
            throw new FormatException($"a timeline of {values.Length} bins, expected {into.Length}");
        }

        values.CopyTo(into, 0);
    }
}
