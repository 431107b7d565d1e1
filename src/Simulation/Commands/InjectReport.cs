using System.Globalization;
using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation;

/// <summary>What a <c>kmodel inject</c> run shows: the calls and their returns, memory_failure's verdicts, the signals, the tasks, the counters and dmesg, as text or JSON.</summary>
internal static class InjectReport
{
    public static void Write(TextWriter o, InjectSession s, string interfaceName, bool json)
    {
        if (json)
        {
            WriteJson(o, s, interfaceName);
        }
        else
        {
            WriteText(o, s, interfaceName);
        }
    }

    private static IEnumerable<(TaskStruct Task, SigInfo Info, bool Delivered)> Signals(Machine m) =>
        m.Tasks.All.Where(t => !t.IsKthread).SelectMany(t =>
            t.Delivered.Select(i => (t, i, true)).Concat(t.Pending.Select(i => (t, i, false))));

    private static string State(TaskStruct t) => t.ExitState switch
    {
        TaskExitState.Running => "running",
        TaskExitState.Exited => "exited",
        _ => "killed by " + Mm.Signals.Name(t.ExitSignal),
    };

    private static void WriteText(TextWriter o, InjectSession s, string interfaceName)
    {
        var m = s.Machine;
        var t = s.Target;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kmodel inject {interfaceName}: profile {s.Profile}, kernel {s.Kernel}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target: {TargetPageBuilder.NameOf(t.Kind)} page, pfn {Printf.HashLx(t.Pfn)} (physical address {Printf.HashLx(t.PhysAddr)})"));
        foreach (var mapper in t.Mappers)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  mapped by {mapper.Comm}:{mapper.Pid}"));
        }

        o.WriteLine();
        foreach (var (call, ret) in s.Calls)
        {
            o.WriteLine(ret is { } r ? $"{call} = {InjectSession.Ret(r)}" : $"{call}: the kernel died");
        }

        foreach (var note in s.Notes)
        {
            o.WriteLine(note);
        }

        o.WriteLine();
        o.WriteLine("memory_failure:");
        foreach (var e in s.Mf.Events)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Printf.HashLx(e.Pfn)}: {e.TypeName}: {e.Result.ActionName()}"));
        }

        o.WriteLine("signals:");
        foreach (var (task, info, delivered) in Signals(m))
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {task.Comm}:{task.Pid} {info}{(delivered ? string.Empty : " (pending)")}"));
        }

        o.WriteLine("tasks:");
        foreach (var task in m.Tasks.All.Where(x => !x.IsKthread))
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {task.Comm}:{task.Pid} {State(task)}"));
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"page {Printf.HashLx(t.Pfn)}: {(t.Page.IsHwpoison ? "PG_hwpoison" : "not poisoned")}, refcount {t.Page.Folio.RefCount}, mapcount {t.Page.Folio.MapCount}"));
        o.WriteLine(s.Mf.MeminfoHardwareCorrupted);
        for (var nid = 0; nid < s.Mf.NodeStats.Count; nid++)
        {
            var st = s.Mf.NodeStats[nid];
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"node{nid} memory_failure: total {st.Total} ignored {st.Ignored} failed {st.Failed} delayed {st.Delayed} recovered {st.Recovered}"));
        }

        if (m.State == MachineState.Panicked)
        {
            o.WriteLine("machine: PANICKED (" + m.PanicMessage + ")");
        }

        o.WriteLine();
        o.WriteLine("dmesg:");
        foreach (var line in m.Log.Dmesg())
        {
            o.WriteLine("  " + line);
        }
    }

    private static void WriteJson(TextWriter o, InjectSession s, string interfaceName)
    {
        var m = s.Machine;
        var t = s.Target;
        o.WriteLine(JsonText.Of(w =>
        {
            w.WriteStartObject();
            w.WriteString("interface", interfaceName);
            w.WriteString("profile", s.Profile);
            w.WriteString("kernel", s.Kernel);
            w.WriteStartObject("target");
            w.WriteString("kind", TargetPageBuilder.NameOf(t.Kind));
            w.WriteString("pfn", Printf.HashLx(t.Pfn));
            w.WriteString("phys_addr", Printf.HashLx(t.PhysAddr));
            w.WriteStartArray("mappers");
            foreach (var mapper in t.Mappers)
            {
                w.WriteStartObject();
                w.WriteNumber("pid", mapper.Pid);
                w.WriteString("comm", mapper.Comm);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("calls");
            foreach (var (call, ret) in s.Calls)
            {
                w.WriteStartObject();
                w.WriteString("call", call);
                if (ret is { } r)
                {
                    w.WriteNumber("ret", r);
                    if (r < 0)
                    {
                        w.WriteString("errno", Errno.Name((int)-r));
                    }
                    else
                    {
                        w.WriteNull("errno");
                    }
                }
                else
                {
                    w.WriteNull("ret");
                    w.WriteBoolean("kernel_died", true);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("notes");
            foreach (var note in s.Notes)
            {
                w.WriteStringValue(note);
            }

            w.WriteEndArray();
            w.WriteStartArray("memory_failures");
            foreach (var e in s.Mf.Events)
            {
                w.WriteStartObject();
                w.WriteString("pfn", Printf.HashLx(e.Pfn));
                w.WriteString("page_type", e.TypeName);
                w.WriteNumber("type", e.TypeValue);
                w.WriteString("result", e.Result.ActionName());
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("signals");
            foreach (var (task, info, delivered) in Signals(m))
            {
                w.WriteStartObject();
                w.WriteNumber("pid", task.Pid);
                w.WriteString("comm", task.Comm);
                w.WriteString("signo", Mm.Signals.Name(info.Signo));
                w.WriteString("code", Mm.Signals.CodeName(info.Signo, info.Code));
                w.WriteString("addr", Printf.HashLx(info.Addr));
                w.WriteNumber("addr_lsb", info.AddrLsb);
                w.WriteBoolean("delivered", delivered);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("tasks");
            foreach (var task in m.Tasks.All.Where(x => !x.IsKthread))
            {
                w.WriteStartObject();
                w.WriteNumber("pid", task.Pid);
                w.WriteString("comm", task.Comm);
                w.WriteString("state", task.ExitState.ToString().ToLowerInvariant());
                if (task.ExitState == TaskExitState.Killed)
                {
                    w.WriteString("exit_signal", Mm.Signals.Name(task.ExitSignal));
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("page");
            w.WriteBoolean("hwpoison", t.Page.IsHwpoison);
            w.WriteNumber("refcount", t.Page.Folio.RefCount);
            w.WriteNumber("mapcount", t.Page.Folio.MapCount);
            w.WriteEndObject();
            w.WriteNumber("hardware_corrupted_kb", s.Mf.HardwareCorruptedKb);
            w.WriteStartArray("node_stats");
            for (var nid = 0; nid < s.Mf.NodeStats.Count; nid++)
            {
                var st = s.Mf.NodeStats[nid];
                w.WriteStartObject();
                w.WriteNumber("node", nid);
                w.WriteNumber("total", st.Total);
                w.WriteNumber("ignored", st.Ignored);
                w.WriteNumber("failed", st.Failed);
                w.WriteNumber("delayed", st.Delayed);
                w.WriteNumber("recovered", st.Recovered);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("machine", m.State == MachineState.Panicked ? "panicked" : "running");
            if (m.PanicMessage is { } panic)
            {
                w.WriteString("panic", panic);
            }

            w.WriteStartArray("dmesg");
            foreach (var line in m.Log.Dmesg())
            {
                w.WriteStringValue(line);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }));
    }
}
