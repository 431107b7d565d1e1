using System.Text.Json;

namespace KernelModel.Simulation.Scenarios;

/// <summary>
/// The stable JSON form of an outcome (<c>kmodel run --json</c>): scenario, profile, seed, summary, panicked,
/// panic_message, oopsed, signals [{pid, comm, signo, si_code, si_addr, si_addr_lsb}], syscalls [{name, ret, errno}],
/// queued [{pfn, flags}], memory_failures [{pfn, page_type, result}], hardware_corrupted_kb, result, short_read,
/// dmesg, and trace when asked for. Field order is fixed, so the same run gives the same bytes.
/// </summary>
public static class ScenarioJson
{
    /// <summary>Writes one outcome as an object.</summary>
    public static void Write(Utf8JsonWriter w, ScenarioOutcome o)
    {
        w.WriteStartObject();
        w.WriteString("scenario", o.Scenario);
        w.WriteString("profile", o.Profile);
        w.WriteNumber("seed", o.Seed);
        w.WriteString("summary", o.Summary);
        w.WriteBoolean("panicked", o.Panicked);
        w.WriteString("panic_message", o.PanicMessage);
        w.WriteBoolean("oopsed", o.Oopsed);
        w.WriteStartArray("signals");
        foreach (var s in o.Signals)
        {
            w.WriteStartObject();
            w.WriteNumber("pid", s.Pid);
            w.WriteString("comm", s.Comm);
            w.WriteNumber("signo", s.Signo);
            w.WriteNumber("si_code", s.SiCode);
            w.WriteNumber("si_addr", s.SiAddr);
            w.WriteNumber("si_addr_lsb", s.SiAddrLsb);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("syscalls");
        foreach (var s in o.Syscalls)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteNumber("ret", s.Ret);
            w.WriteNumber("errno", s.Errno);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("queued");
        foreach (var q in o.Queued)
        {
            w.WriteStartObject();
            w.WriteNumber("pfn", q.Pfn);
            w.WriteString("flags", q.Flags);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("memory_failures");
        foreach (var m in o.MemoryFailures)
        {
            w.WriteStartObject();
            w.WriteNumber("pfn", m.Pfn);
            w.WriteString("page_type", m.PageType);
            w.WriteString("result", m.Result);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("hardware_corrupted_kb", o.HardwareCorruptedKb);
        w.WriteString("result", o.Result);
        w.WriteBoolean("short_read", o.ShortRead);
        WriteStrings(w, "dmesg", o.Dmesg);
        if (o.Trace is not null)
        {
            WriteStrings(w, "trace", o.Trace);
        }

        w.WriteEndObject();
    }

    /// <summary>One outcome as indented JSON text.</summary>
    public static string ToJson(ScenarioOutcome o)
    {
        return JsonText.Of(w =>
        {
            Write(w, o);
        });
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> lines)
    {
        w.WriteStartArray(name);
        foreach (var line in lines)
        {
            w.WriteStringValue(line);
        }

        w.WriteEndArray();
    }
}
