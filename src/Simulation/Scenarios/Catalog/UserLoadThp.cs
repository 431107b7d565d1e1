using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// user-load-thp: a process writes its 2 MiB-aligned anonymous range, which the fault maps with one transparent huge
/// page (transparent_hugepage=always), then loads a poisoned line of its sixth sub-page. The load traps in user mode
/// and memory_failure(pfn, MF_ACTION_REQUIRED) runs (x86 kill_me_maybe, arm64 GHES task work, RISC-V's assumed
/// firmware-first path, the generic trap): the THP is split so only the 4 KiB page is lost, that page is unmapped
/// and the consumer gets SIGBUS BUS_MCEERR_AR with lsb 12, the split page's shift (kernel-paths.md 10c step 3, 10f;
/// outcome table "User-mode load"): "dirty LRU page" Recovered. User-mode consumption needs no copy_mc: the same on
/// every profile. Assumption (ProfileGeometry, catalogue README): every profile has the model's 2 MiB PMD leaves and
/// THP, although riscv32 (Sv32) has 4 MiB megapages and no THP.
/// </summary>
public sealed class UserLoadThp : Scenario
{
    private const int BadSubpage = 5;

    /// <inheritdoc />
    public override string Id => "user-load-thp";

    /// <inheritdoc />
    public override string Summary => "a process loads a poisoned line of its anonymous THP: split, the 4 KiB page isolated, SIGBUS BUS_MCEERR_AR lsb 12";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("thp");
        var vma = task.Mm!.Mmap(Memory.HpagePmdSize, VmFlags.Read | VmFlags.Write, align: Memory.HpagePmdSize);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x7e, 64).ToArray());
        var (pmd, _) = task.Mm.PageTable.Walk(vma.Start);
        context.Set("task", task);
        context.Set("va", vma.Start + (BadSubpage * (ulong)PhysicalMemory.PageSize));
        context.Set("page", machine.Memory.PfnToPage(pmd.Pfn + BadSubpage));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x40);

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        UserAccess.Read(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va") + 0x48, new byte[8]);

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Signals = [new ExpectedSignal("thp", Signals.SIGBUS, Signals.BUS_MCEERR_AR, 12)],
        Queued = 0,
        MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
    };
}
