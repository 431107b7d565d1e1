using System.Diagnostics;

namespace KernelModel.Simulation.Performance;

/// <summary>
/// The in-process timing loop of <c>kmodel bench</c>. The runtime first compiles code quickly and compiles hot code
/// again, optimised, only after it has run a while (tiered compilation), so <see cref="WarmUpAll"/> first runs every
/// operation in turn until the JIT has compiled nothing for <see cref="JitQuiet"/> (at most for
/// <see cref="WarmUp"/>). Then each operation is calibrated to a batch of at least <see cref="MinBatch"/>, run
/// <see cref="Batches"/> times, and the median batch gives the cost of one call. Allocation is counted on this
/// thread around a batch (GC.GetAllocatedBytesForCurrentThread). Wall-clock readings are the point of a benchmark;
/// nothing in the model depends on them.
/// </summary>
/// <param name="Batches">Batches per figure (the median is taken), at least 1.</param>
/// <param name="MinBatch">The least time one batch runs.</param>
/// <param name="WarmUp">The longest the warm-up runs (zero: no warm-up).</param>
/// <param name="JitQuiet">How long the JIT must have compiled nothing for the warm-up to end.</param>
public sealed record BenchMeter(int Batches, TimeSpan MinBatch, TimeSpan WarmUp, TimeSpan JitQuiet)
{
    /// <summary>The default: up to 8 s of warm-up until the JIT is quiet for 600 ms, then 15 batches of at least 2 ms.</summary>
    public static BenchMeter Default { get; } = new(15, TimeSpan.FromMilliseconds(2), TimeSpan.FromSeconds(8), TimeSpan.FromMilliseconds(600));

    /// <summary>Runs every operation in turn, a batch each, until the JIT is quiet; returns how long that took.</summary>
    public TimeSpan WarmUpAll(IReadOnlyList<BenchOp> ops)
    {
        var start = Stopwatch.GetTimestamp();
        var lastCompile = start;
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (Stopwatch.GetElapsedTime(start) < WarmUp && Stopwatch.GetElapsedTime(lastCompile) < JitQuiet)
        {
            foreach (var op in ops)
            {
                RunBatch(op, op.Prepare is null ? 16 : op.CallsPerBatch);
                var now = System.Runtime.JitInfo.GetCompiledMethodCount();
                if (now != compiled)
                {
                    (compiled, lastCompile) = (now, Stopwatch.GetTimestamp());
                }
            }
        }

        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>Nanoseconds per call of <paramref name="op"/>, the median of the batches.</summary>
    public double NanosecondsPerCall(BenchOp op)
    {
        var n = op.Prepare is null ? Calibrate(op.Run) : op.CallsPerBatch;
        var samples = new double[Batches];
        for (var b = 0; b < Batches; b++)
        {
            samples[b] = RunBatch(op, n) / n;
        }

        return Median(samples);
    }

    /// <summary>
    /// <paramref name="op"/> against <paramref name="baseline"/>: their batches alternate, so a change in the machine's
    /// load reaches both, and the ratio is the median of the per-pair ratios (baseline time / op time, as throughput).
    /// Returns it with the median nanoseconds per call of each.
    /// </summary>
    public (double Ratio, double OpNs, double BaselineNs) Throughput(BenchOp op, BenchOp baseline)
    {
        var n = op.Prepare is null ? Calibrate(op.Run) : op.CallsPerBatch;
        var nb = baseline.Prepare is null ? Calibrate(baseline.Run) : baseline.CallsPerBatch;
        var ops = new double[Batches];
        var baselines = new double[Batches];
        var ratios = new double[Batches];
        for (var b = 0; b < Batches; b++)
        {
            baselines[b] = RunBatch(baseline, nb) / nb;
            ops[b] = RunBatch(op, n) / n;
            ratios[b] = baselines[b] / ops[b];
        }

        return (Median(ratios), Median(ops), Median(baselines));
    }

    /// <summary>Managed bytes this thread allocates per call of <paramref name="run"/>, after a warm-up batch.</summary>
    public static double BytesPerCall(Action<int> run, int n)
    {
        run(n);
        var before = GC.GetAllocatedBytesForCurrentThread();
        run(n);
        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / n;
    }

    /// <summary>The median of <paramref name="samples"/> (sorted in place).</summary>
    public static double Median(double[] samples)
    {
        Array.Sort(samples);
        var mid = samples.Length / 2;
        return samples.Length % 2 == 1 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
    }

    // One batch of n calls (after its untimed preparation); the nanoseconds the calls took, from the raw timestamps
    // (a TimeSpan would round to 100 ns).
    private static double RunBatch(BenchOp op, int n)
    {
        op.Prepare?.Invoke();
        var start = Stopwatch.GetTimestamp();
        op.Run(n);
        return (Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency;
    }

    // Doubles the call count until a batch lasts MinBatch.
    private int Calibrate(Action<int> run)
    {
        var n = 1;
        while (n < 1 << 24 && Time(run, n) < MinBatch)
        {
            n *= 2;
        }

        return n;
    }

    private static TimeSpan Time(Action<int> run, int n)
    {
        var start = Stopwatch.GetTimestamp();
        run(n);
        return Stopwatch.GetElapsedTime(start);
    }
}
