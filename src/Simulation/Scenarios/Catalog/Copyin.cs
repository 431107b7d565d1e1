using KernelModel.Arch.Arm64;
using KernelModel.Arch.RiscV;
using KernelModel.Arch.X86;
using KernelModel.Mm;
using KernelModel.Uaccess;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// copyin: a process write(2)s a page-aligned 4 KiB buffer of its own dirty anonymous memory, whose line at 0x100
/// holds latent poison, to a regular file. generic_perform_write copies it with copy_from_user (page faults off):
/// the copy consumes the poison in kernel mode, on the user page. Reference: kernel-paths.md section 9 and the
/// outcome table ("get_user / copy_from_user on poisoned user page"); arch-copy-mc.md 2.5, 4.4, 4.9, 5.7.
/// <list type="bullet">
/// <item>x86_64, x86_64-fragile (copy_user_generic, not copy_mc): MCE_IN_KERNEL_COPYIN, fixup; the copy stops at the
/// poisoned line (256 bytes; rep movsb's progress is X86Options.FastStringProgress, assumed the poisoned line's start),
/// the retry copies nothing and fault_in_readable reads the poisoned byte: write returns 256. kill_me_never runs on
/// the way out: memory_failure(pfn, 0), "dirty LRU page" Recovered, and no signal (late kill).</item>
/// <item>arm64 (series): the USER() loads are claimed by GHES and fixed up (fixup_exception_me); the 9997 "try
/// harder" byte and the write loop's retries creep up to the poisoned line: 256. Every abort is a GHES record queued
/// as memory_failure(pfn, 0) (v14 gating: kernel mode, no SIGBUS). How many aborts (and so how many queued
/// memory_failure calls, the later ones "already poisoned") is the model's count, not a reference fact: not declared.
/// It assumes the queue's worker does not run before write(2) returns.</item>
/// <item>RISC-V (all three: uaccess.S has entries before the seed patch): any entry is fixed up; the 8-register block
/// stops at the line: 256. No memory_failure at all (the kernel-mode trap calls none).</item>
/// <item>generic, arm64-upstream: a kernel-mode consumption dies: oops, the writer is killed.</item>
/// </list>
/// </summary>
public sealed class Copyin : Scenario
{
    private const int PoisonOffset = 0x100;

    /// <inheritdoc />
    public override string Id => "copyin";

    /// <inheritdoc />
    public override string Summary => "write(2) from a user buffer with a poisoned line: copy_from_user consumes it; a short write, memory_failure(pfn, 0) as the architecture queues it, no signal";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("writer");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x5a, PhysicalMemory.PageSize).ToArray());
        var inode = machine.Filemap.CreateFile("/data/log", InodeKind.Regular, PhysicalMemory.PageSize);
        context.Set("task", task);
        context.Set("buf", vma.Start);
        context.Set("file", new OpenFile(inode));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context)
    {
        var task = context.Get<TaskStruct>("task");
        var pfn = task.Mm!.PageTable.Walk(context.Get<ulong>("buf")).Entry.Pfn;
        context.PoisonLine(context.Machine.Memory.PfnToPage(pfn), PoisonOffset);
    }

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        context.Syscall("write", Syscalls.Write(context.Machine, context.Get<TaskStruct>("task"), context.Get<OpenFile>("file"), context.Get<ulong>("buf"), PhysicalMemory.PageSize));

    /// <inheritdoc />
    public override Expectation Expect(string profile) => profile switch
    {
        GenericArchitecture.ProfileName or Arm64Architecture.UpstreamProfileName => Expectation.OopsKillsTask(),
        X86Architecture.ProfileName or X86Architecture.FragileProfileName => Short with
        {
            MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
            Queued = 0,
        },
        Arm64Architecture.ProfileName => Short,
        RiscVServiceCollectionExtensions.Riscv64 or RiscVServiceCollectionExtensions.Riscv32 or RiscVServiceCollectionExtensions.Riscv64Upstream => Short with
        {
            MemoryFailures = [],
            Queued = 0,
        },
        _ => throw new ArgumentException($"{Id} declares no outcome for profile '{profile}'", nameof(profile)),
    };

    private static Expectation Short => Expectation.Survives() with { Syscalls = [("write", PoisonOffset)], Signals = [] };
}
