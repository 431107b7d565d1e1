using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// madv-hwpoison: a process with CAP_SYS_ADMIN poisons its own dirty anonymous page with madvise(MADV_HWPOISON):
/// "Injecting memory failure for pfn %#lx at process virtual address %#lx" and memory_failure(pfn,
/// MF_ACTION_REQUIRED | MF_COUNT_INCREASED | MF_SW_SIMULATED) (interfaces.md 5.1, kernel-paths.md 10h). The page is
/// unmapped (a hwpoison entry), madvise returns 0, and as the caller returns to user mode it gets SIGBUS
/// BUS_MCEERR_AR with lsb 12: "dirty LRU page" Recovered. No copy is involved: the same on every profile (with the
/// 2024 MF_ACTION_REQUIRED, HwpoisonOptions.MadvHwpoisonActionRequired, the default).
/// </summary>
public sealed class MadvHwpoison : Scenario
{
    /// <inheritdoc />
    public override string Id => "madv-hwpoison";

    /// <inheritdoc />
    public override string Summary => "madvise(MADV_HWPOISON) by a privileged process on its own page: memory_failure, SIGBUS BUS_MCEERR_AR to the caller";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("injector");
        task.Capabilities.Add(Capability.SysAdmin);
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x11, PhysicalMemory.PageSize).ToArray());
        context.Set("task", task);
        context.Set("va", vma.Start);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) =>
        context.Syscall("madvise", MadviseInjectError.Madvise(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va"),
            PhysicalMemory.PageSize, MadviseInjectError.MadvHwpoison));

    /// <inheritdoc />
    public override void Act(ScenarioContext context) => context.Machine.ReturnToUser(context.Get<TaskStruct>("task"));

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Syscalls = [("madvise", 0)],
        Signals = [new ExpectedSignal("injector", Signals.SIGBUS, Signals.BUS_MCEERR_AR, 12)],
        Queued = 0,
        MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
    };
}
