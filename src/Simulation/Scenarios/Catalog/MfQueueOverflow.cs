using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// mf-queue-overflow: seventeen free pages go bad at once (a failing DIMM row) and firmware reports each as a
/// recoverable CPER memory error through an asynchronous GHES source. GHES runs on CPU 0 and hands each page to
/// memory_failure_queue(pfn, 0) before the kworker gets to run: that CPU's fifo holds 16 entries, so the
/// seventeenth is dropped, "Memory failure: buffer overflow when queuing memory failure at %#lx"
/// (kernel-paths.md 11). The worker then handles sixteen pages, each "free buddy page" Recovered; the seventeenth is
/// never handled by that report. The same on every profile.
/// </summary>
public sealed class MfQueueOverflow : Scenario
{
    private const int Errors = MemoryFailureQueue.FifoSize + 1;

    /// <inheritdoc />
    public override string Id => "mf-queue-overflow";

    /// <inheritdoc />
    public override string Summary => "17 GHES memory-error reports on one CPU before the worker runs: the 17th is dropped, buffer overflow";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var folios = Enumerable.Range(0, Errors).Select(_ => machine.Allocator.AllocFolio(0)!.Value).ToArray();
        foreach (var folio in folios)
        {
            machine.PutFolio(folio);
        }

        context.Set("pages", folios.Select(f => f.Head).ToArray());
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context)
    {
        foreach (var page in context.Get<Page[]>("pages"))
        {
            context.PoisonLine(page, 0x80);
        }
    }

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var machine = context.Machine;
        var ghes = (Ghes)machine.Ghes;
        foreach (var page in context.Get<Page[]>("pages"))
        {
            ghes.Process(CperRecordBuilder.PlatformMemoryError(page.PhysAddr + 0x80, page.Nid, CperSeverity.Recoverable, CperRecordBuilder.StatusDramStorage,
                CperSectionFlags.Primary), GhesNotify.Async);
        }
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Signals = [],
        Queued = Errors,
        MemoryFailures = Enumerable.Repeat(("free buddy page", MfResult.Recovered), MemoryFailureQueue.FifoSize).ToArray(),
    };
}
