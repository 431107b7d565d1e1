using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// coredump: a process with four dirty anonymous pages (the third with a line of latent poison) dereferences a bad
/// pointer and dies of SIGSEGV, dumping core: do_coredump -> dump_user_range copies each page into a bounce page with
/// copy_mc_to_kernel (kernel-paths.md 7). With copy_mc the third page's copy comes up short: dump_page_copy gives
/// nothing, the dump stops and the core is truncated after two pages. The path queues nothing (copy_mc_to_kernel
/// never does), so memory_failure does not run, except on arm64 with the series, where GHES, having claimed the
/// kernel-mode SEA, queues memory_failure(pfn, 0) itself (arch-copy-mc.md 4.4, 4.9). Without copy_mc the core
/// write reads the user page directly and the kernel dies there.
/// </summary>
public sealed class Coredump : Scenario
{
    /// <inheritdoc />
    public override string Id => "coredump";

    /// <inheritdoc />
    public override string Summary => "a crashing process dumps core over a poisoned page: the dump stops there, the core is truncated, nothing queued";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("crasher");
        var vma = task.Mm!.Mmap(4 * (ulong)PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        for (var i = 0; i < 4; i++)
        {
            UserAccess.Write(machine, task, vma.Start + ((ulong)i * PhysicalMemory.PageSize), Enumerable.Repeat((byte)(0xc0 + i), PhysicalMemory.PageSize).ToArray());
        }

        context.Set("task", task);
        context.Set("page", machine.Memory.PfnToPage(task.Mm.PageTable.Walk(vma.Start + (2 * (ulong)PhysicalMemory.PageSize)).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0xf00);

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = context.Get<TaskStruct>("task");

        // A NULL dereference: SIGSEGV, whose default action dumps core (get_signal -> do_coredump).
        UserAccess.Read(machine, task, 0x10, new byte[8]);
        var core = Mm.Coredump.DoCoredump(machine, task);
        context.Result = string.Create(CultureInfo.InvariantCulture, $"core {(core.Truncated ? "truncated" : "complete")} at {core.Size} bytes");
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Result = "core truncated at 8192 bytes",
            Signals = [new ExpectedSignal("crasher", Signals.SIGSEGV, Signals.SEGV_MAPERR, 0)],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 0),
            MemoryFailures = ProfileFacts.QueuedAfterCopyFailure(profile, 0) == 0 ? [] : [("dirty LRU page", MfResult.Recovered)],
        };
}
