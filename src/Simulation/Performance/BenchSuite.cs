using System.Globalization;
using KernelModel.Mm;
using KernelModel.Simulation.Fleet;

namespace KernelModel.Simulation.Performance;

/// <summary>
/// The short in-process version of the performance issue's measurements, one <see cref="BenchFigure"/> per figure:
/// every ratio is taken against a baseline measured in the same process, their batches alternating so that a change
/// in the machine's load reaches both, and is the median of the per-pair ratios.
/// </summary>
/// <param name="Catalog">The registered profiles.</param>
/// <param name="Fleet">The fleet simulation target 5 times (<see cref="FleetBench"/>).</param>
/// <param name="Meter">How long each figure is timed.</param>
/// <param name="TouchBytes">How much of the 1 TiB machine target 4 touches (the bound is per touched byte).</param>
/// <param name="CowPages">Shared pages per forked child, the COW faults one round times.</param>
/// <param name="FleetMachines">Machines (one year each) in target 5's fleet study.</param>
public sealed record BenchSuite(ProfileCatalog Catalog, FleetSimulation Fleet, BenchMeter Meter, ulong TouchBytes = 1UL << 30, int CowPages = CowFaultWorkload.CacheResidentPages,
    long FleetMachines = FleetBench.DefaultMachines)
{
    /// <summary>Target 1: clean copies at least this fraction of Span&lt;byte&gt;.CopyTo's throughput.</summary>
    public const double CleanCopyBound = 0.8;

    /// <summary>Target 2: a copy with one poisoned line at most this many times the clean copy.</summary>
    public const double PoisonedCopyBound = 20;

    /// <summary>Target 3: a COW fault at most this many times the clean copy_mc_highpage.</summary>
    public const double CowFaultBound = 3;

    /// <summary>Target 4: boot time of the 1 TiB machine, in ms.</summary>
    public const double BuildMillisecondsBound = 50;

    /// <summary>Target 4: host memory of the untouched 1 TiB machine, in MiB.</summary>
    public const double BuildMebibytesBound = 64;

    /// <summary>Target 4: host bytes per touched byte (1.1 GiB per GiB).</summary>
    public const double TouchRatioBound = 1.1;

    /// <summary>Target 5: fleet machine-years per minute.</summary>
    public const double FleetBound = 1_000_000;

    /// <summary>
    /// The profile target 4 boots: memory, memmap and the allocator are the architecture-independent part of the
    /// model, and the generic profile's linear map holds 1 TiB (RISC-V Sv39's does not).
    /// </summary>
    public const string ScaleProfile = "generic";

    private const string Page = "4 KiB";

    /// <summary>
    /// Every figure for <paramref name="profiles"/>, in target order; <paramref name="progress"/> hears each as it is
    /// done. Target 4 boots <see cref="ScaleProfile"/> and target 5 runs the fleet's default profiles, whatever
    /// <paramref name="profiles"/> holds: both targets are stated for those.
    /// </summary>
    public IReadOnlyList<BenchFigure> Run(IReadOnlyList<string> profiles, Action<BenchFigure>? progress = null)
    {
        var figures = new List<BenchFigure>();
        void Add(BenchFigure figure)
        {
            figures.Add(figure);
            progress?.Invoke(figure);
        }

        var benches = profiles.Select(p => new ProfileBench(Catalog, p, CowPages)).ToArray();
        try
        {
            Meter.WarmUpAll([.. benches.SelectMany(b => b.All)]);
            foreach (var b in benches)
            {
                var (kernelRatio, kernel, span) = Meter.Throughput(b.Kernel, b.Span);
                var (pageRatio, page, pageSpan) = Meter.Throughput(b.Highpage, b.Span);
                Add(BenchFigure.AtLeast(1, $"copy_mc_to_kernel {Page} clean / Span.CopyTo [{b.Profile}]", kernelRatio, "x", CleanCopyBound,
                    $"copy {Ns(kernel)}, Span.CopyTo between the same frames {Ns(span)}"));
                Add(BenchFigure.AtLeast(1, $"copy_mc_highpage {Page} clean / Span.CopyTo [{b.Profile}]", pageRatio, "x", CleanCopyBound,
                    $"copy {Ns(page)}, Span.CopyTo {Ns(pageSpan)}"));
                Add(Poisoned(b, b.PoisonedKernel, "copy_mc_to_kernel", kernel, b.KernelDeath));
                Add(Poisoned(b, b.PoisonedHighpage, "copy_mc_highpage", page, b.HighpageDeath));
                Add(BenchFigure.AtMost(6, $"bytes allocated per clean copy_mc_to_kernel [{b.Profile}]", BenchMeter.BytesPerCall(b.Kernel.Run, 1000), "B", 0));
                Add(BenchFigure.AtMost(6, $"bytes allocated per clean copy_mc_highpage [{b.Profile}]", BenchMeter.BytesPerCall(b.Highpage.Run, 1000), "B", 0));
                var (faultThroughput, fault, faultPage) = Meter.Throughput(b.Fault, b.Highpage);
                Add(BenchFigure.AtMost(3, $"anonymous COW fault / clean copy_mc_highpage [{b.Profile}]", 1 / faultThroughput, "x", CowFaultBound,
                    $"fault {Ns(fault)} (the user fault handler to the new PTE), copy_mc_highpage {Ns(faultPage)}"));
                b.Cow.Fork();
                Add(BenchFigure.AtMost(6, $"bytes allocated per anonymous COW fault [{b.Profile}]", BenchMeter.BytesPerCall(b.Fault.Run, CowPages / 2), "B", 0));
            }
        }
        finally
        {
            foreach (var b in benches)
            {
                b.Dispose();
            }
        }

        foreach (var figure in Scale(ScaleProfile))
        {
            Add(figure);
        }

        foreach (var figure in new FleetBench(Fleet, FleetMachines).Run())
        {
            Add(figure);
        }

        return figures;
    }

    private static string Ns(double ns) => BenchFigure.Format(Math.Round(ns, 1)) + " ns";

    // Target 2. A copy that kills the kernel is timed on a fresh machine per call, one that recovers in batches of
    // 16 calls with the memory-failure worker run in between (the op's preparation), from a freshly booted machine.
    private BenchFigure Poisoned(ProfileBench b, BenchOp op, string routine, double clean, string? death)
    {
        b.Copy.Reboot();
        var ns = Meter.NanosecondsPerCall(op);
        var note = death is null
            ? $"poisoned {Ns(ns)}, clean {Ns(clean)}, poison at byte {b.Copy.PoisonOffset.ToString(CultureInfo.InvariantCulture)}"
            : $"the kernel {death} here (no recovering copy on this profile): {Ns(ns)} is the cost until the death, timed on a fresh machine per call";
        return BenchFigure.AtMost(2, $"{routine} {Page} one poisoned line / clean [{b.Profile}]", ns / clean, "x", PoisonedCopyBound, note);
    }

    // Target 4: the boot of an untouched 1 TiB 2-node machine (median of three), then touching.
    private IEnumerable<BenchFigure> Scale(string profile)
    {
        var boots = new double[3];
        var hostBytes = 0L;
        Machine? machine = null;
        for (var i = 0; i < boots.Length; i++)
        {
            machine = null;
            (machine, var elapsed, hostBytes) = MachineScale.Build(Catalog, profile, MachineScale.TerabyteConfig);
            boots[i] = elapsed.TotalMilliseconds;
        }

        var mib = hostBytes / (double)(1 << 20);
        yield return BenchFigure.AtMost(4, $"1 TiB 2-node machine boot time [{profile}]", BenchMeter.Median(boots), "ms", BuildMillisecondsBound, "median of 3 boots");
        yield return BenchFigure.AtMost(4, $"1 TiB 2-node machine host memory before any touch [{profile}]", mib, "MiB", BuildMebibytesBound,
            "retained managed heap after a full collection");
        var (touchBytes, frames) = MachineScale.Touch(machine!, TouchBytes);
        var touchedMib = (TouchBytes >> 20).ToString(CultureInfo.InvariantCulture);
        yield return BenchFigure.AtMost(4, $"host bytes per touched byte, {touchedMib} MiB touched [{profile}]", touchBytes / (double)TouchBytes, "x", TouchRatioBound,
            $"{BenchFigure.Format(touchBytes / (double)(1 << 20))} MiB of host memory for {touchedMib} MiB of frames");
        yield return new BenchFigure(4, $"per-frame metadata per touched 4 KiB page [{profile}]", (touchBytes - (frames * PhysicalMemory.PageSize)) / (double)frames, "B",
            "reported", true, "host bytes beyond the frame's 4096 data bytes: struct page, the frame array's header and 40-byte alignment pad, the memmap slots");
        GC.KeepAlive(machine);
    }
}
