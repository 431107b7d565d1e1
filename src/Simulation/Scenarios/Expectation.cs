using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios;

/// <summary>An expected signal: to the task of that comm, with this si_code and si_addr_lsb.</summary>
/// <param name="Comm">The receiving task's comm.</param>
/// <param name="Signo">Signal.</param>
/// <param name="Code">si_code.</param>
/// <param name="AddrLsb">si_addr_lsb.</param>
public sealed record ExpectedSignal(string Comm, int Signo, int Code, int AddrLsb);

/// <summary>
/// The outcome a scenario declares for one profile. Whether the machine panics and whether an oops killed a
/// task are always judged; every other fact is judged when declared (null = not declared).
/// </summary>
public sealed record Expectation
{
    /// <summary>The machine panics.</summary>
    public bool Panic { get; init; }

    /// <summary>An oops kills the current task (die() without panic).</summary>
    public bool Oops { get; init; }

    /// <summary>Exactly these signals are delivered (any order).</summary>
    public IReadOnlyList<ExpectedSignal>? Signals { get; init; }

    /// <summary>Exactly these syscalls and returns, in order.</summary>
    public IReadOnlyList<(string Name, long Ret)>? Syscalls { get; init; }

    /// <summary>The path's own result.</summary>
    public string? Result { get; init; }

    /// <summary>How many memory_failure_queue() calls the paths made.</summary>
    public int? Queued { get; init; }

    /// <summary>memory_failure's verdicts, in order: page type and result.</summary>
    public IReadOnlyList<(string PageType, MfResult Result)>? MemoryFailures { get; init; }

    /// <summary>Whether a read came back short.</summary>
    public bool? ShortRead { get; init; }

    /// <summary>The machine panics.</summary>
    public static Expectation Panics() => new() { Panic = true };

    /// <summary>An oops kills the task that was in the kernel.</summary>
    public static Expectation OopsKillsTask() => new() { Oops = true };

    /// <summary>Nothing dies; the other facts are declared with <c>with</c>.</summary>
    public static Expectation Survives() => new();

    /// <summary>Judges an outcome: null when it matches, else what differs.</summary>
    public string? Judge(ScenarioOutcome outcome)
    {
        var problems = new List<string>();
        void Check(bool ok, string what)
        {
            if (!ok)
            {
                problems.Add(what);
            }
        }

        Check(outcome.Panicked == Panic, $"panicked {outcome.Panicked}, expected {Panic}");
        Check(outcome.Oopsed == Oops, $"oops {outcome.Oopsed}, expected {Oops}");
        if (Signals is not null)
        {
            var got = outcome.Signals.Select(s => $"{s.Comm} {s.Signo}/{s.SiCode}/{s.SiAddrLsb}").Order(StringComparer.Ordinal).ToArray();
            var want = Signals.Select(s => $"{s.Comm} {s.Signo}/{s.Code}/{s.AddrLsb}").Order(StringComparer.Ordinal).ToArray();
            Check(got.SequenceEqual(want), $"signals [{string.Join(", ", got)}], expected [{string.Join(", ", want)}]");
        }

        if (Syscalls is not null)
        {
            var got = outcome.Syscalls.Select(s => $"{s.Name}={s.Ret}").ToArray();
            var want = Syscalls.Select(s => $"{s.Name}={s.Ret}").ToArray();
            Check(got.SequenceEqual(want), $"syscalls [{string.Join(", ", got)}], expected [{string.Join(", ", want)}]");
        }

        if (Result is not null)
        {
            Check(outcome.Result == Result, $"result {outcome.Result ?? "none"}, expected {Result}");
        }

        if (Queued is { } queued)
        {
            Check(outcome.Queued.Count == queued, $"{outcome.Queued.Count} memory_failure_queue calls, expected {queued}");
        }

        if (MemoryFailures is not null)
        {
            var got = outcome.MemoryFailures.Select(m => $"{m.PageType}: {m.Result}").ToArray();
            var want = MemoryFailures.Select(m => $"{m.PageType}: {m.Result.ActionName()}").ToArray();
            Check(got.SequenceEqual(want), $"memory_failure [{string.Join("; ", got)}], expected [{string.Join("; ", want)}]");
        }

        if (ShortRead is { } shortRead)
        {
            Check(outcome.ShortRead == shortRead, $"short read {outcome.ShortRead}, expected {shortRead}");
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
