using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// free-buddy: a line of a free page (on the buddy allocator's free lists) goes bad; nobody consumes it. The patrol
/// scrubber finds it and memory_failure(pfn, 0) takes the page off the buddy lists so it is never allocated:
/// "free buddy page" Recovered, nobody signalled (kernel-paths.md 10c step 1). The same on every profile.
/// </summary>
public sealed class FreeBuddy : Scenario
{
    /// <inheritdoc />
    public override string Id => "free-buddy";

    /// <inheritdoc />
    public override string Summary => "the patrol scrubber finds poison in a free page: taken off the buddy lists, nobody signalled";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var folio = machine.Allocator.AllocFolio(0)!.Value;
        machine.PutFolio(folio);
        context.Set("page", folio.Head);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x340);

    /// <inheritdoc />
    public override void Act(ScenarioContext context) => new PatrolScrubber(context.Machine).Run(TimeSpan.FromHours(24));

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Signals = [],
        Queued = 0,
        MemoryFailures = [("free buddy page", MfResult.Recovered)],
    };
}
