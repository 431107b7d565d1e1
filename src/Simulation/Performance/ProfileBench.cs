using KernelModel.Mm;

namespace KernelModel.Simulation.Performance;

/// <summary>
/// The workloads and timed operations of one profile in <see cref="BenchSuite"/>: the clean and poisoned copies with
/// their Span&lt;byte&gt;.CopyTo baseline, and the COW fault. Whether a poisoned copy kills the kernel is found by
/// running it once on a fresh machine; such a copy is then timed on a fresh machine per call. A copy that recovers is
/// timed in batches of <see cref="FifoSize"/> calls, with the memory-failure worker run between batches (untimed):
/// copy_mc_highpage and arm64's GHES queue memory_failure for the page, and a full per-CPU fifo would add the
/// overflow line to every further call, which the kernel's worker never lets happen.
/// </summary>
internal sealed class ProfileBench : IDisposable
{
    /// <summary>MEMORY_FAILURE_FIFO_SIZE: the entries one CPU's memory_failure_queue() fifo holds.</summary>
    public const int FifoSize = Hwpoison.MemoryFailureQueue.FifoSize;

    public ProfileBench(ProfileCatalog catalog, string profile, int cowPages)
    {
        Profile = profile;
        Copy = new CopyWorkload(catalog, profile);
        Cow = new CowFaultWorkload(catalog, profile, cowPages);
        Span = new BenchOp(Copy.SpanCopyTo);
        Kernel = new BenchOp(n => Copy.CopyMcToKernel(n));
        Highpage = new BenchOp(n => Copy.CopyMcHighpage(n));
        (KernelDeath, PoisonedKernel) = Poisoned(n => Copy.CopyMcToKernelPoisoned(n).Died);
        (HighpageDeath, PoisonedHighpage) = Poisoned(n => Copy.CopyMcHighpagePoisoned(n).Died);
        Fault = new BenchOp(n => Cow.Fault(n), Cow.Fork, cowPages);
    }

    public string Profile { get; }

    public CopyWorkload Copy { get; }

    public CowFaultWorkload Cow { get; }

    public BenchOp Span { get; }

    public BenchOp Kernel { get; }

    public BenchOp Highpage { get; }

    public BenchOp PoisonedKernel { get; }

    public BenchOp PoisonedHighpage { get; }

    public BenchOp Fault { get; }

    /// <summary>How the kernel dies on the poisoned copy_mc_to_kernel ("panics", "oopses"), or null when it recovers.</summary>
    public string? KernelDeath { get; }

    /// <summary>How the kernel dies on the poisoned copy_mc_highpage, or null when it recovers.</summary>
    public string? HighpageDeath { get; }

    public IEnumerable<BenchOp> All => [Span, Kernel, Highpage, PoisonedKernel, PoisonedHighpage, Fault];

    public void Dispose()
    {
        Copy.Dispose();
        Cow.Exit();
    }

    private (string? Death, BenchOp Op) Poisoned(Func<int, bool> dies)
    {
        Copy.Reboot();
        var died = dies(1);
        var death = !died ? null : Copy.Machine.State == MachineState.Panicked ? "panics" : "oopses";
        Copy.Reboot();
        return (death, died ? new BenchOp(n => dies(n), Copy.Reboot, 1) : new BenchOp(n => dies(n), () => Copy.RunQueuedMemoryFailures(), FifoSize));
    }
}
