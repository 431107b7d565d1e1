using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// madv-hwpoison-eperm: a process without CAP_SYS_ADMIN tries madvise(MADV_HWPOISON) on its own page: EPERM before
/// anything is looked up (madvise_inject_error, interfaces.md 5.1); no memory_failure, no signal, the page intact.
/// The same on every profile.
/// </summary>
public sealed class MadvHwpoisonEperm : Scenario
{
    /// <inheritdoc />
    public override string Id => "madv-hwpoison-eperm";

    /// <inheritdoc />
    public override string Summary => "madvise(MADV_HWPOISON) without CAP_SYS_ADMIN: EPERM, nothing poisoned";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("user");
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
    public override void Act(ScenarioContext context) =>
        UserAccess.Read(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va"), new byte[PhysicalMemory.PageSize]);

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Syscalls = [("madvise", -Errno.EPERM)],
        Signals = [],
        Queued = 0,
        MemoryFailures = [],
    };
}
