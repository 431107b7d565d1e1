using KernelModel.Arch.Arm64;
using KernelModel.Arch.RiscV;
using KernelModel.Arch.X86;
using KernelModel.Mm;
using KernelModel.Uaccess;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// copyout: a process pread64()s 4 KiB from a regular file whose clean page-cache page holds latent poison in its line
/// at 0x100. filemap_read copies it with copy_page_to_iter, a plain copy_to_user from the kernel page: the kernel
/// consumes the poison on a kernel load of copy_to_user (the "page-cache read" the arm64 series counts as a large
/// share of kernel-mode errors). Reference: kernel-paths.md 8a and the outcome table; arch-copy-mc.md 2.5, 4.4, 4.9,
/// 5.7.
/// <list type="bullet">
/// <item>x86_64, x86_64-fragile: copy_user_generic's entry is EX_TYPE_UACCESS, but is_copy_from_user fails (the load
/// reads a kernel address): IN_KERNEL, panic "Data load in unrecoverable area of kernel".</item>
/// <item>arm64 (series): copy_to_user's loads carry KERNEL_MEM_ERR; GHES claims the abort, fixup_exception_me takes
/// the entry and 9998 returns end - dst. The large loop loads a 64-byte block ahead of its stores; the load of the
/// block at 0x100 faults after the store of the first 16 bytes of the block before it: 208 bytes copied.
/// copy_page_to_iter goes on after a short copy that copied something, so a second copy from 208 loads the poisoned
/// block again before storing anything: 0, and filemap_read returns 208. Each abort is a GHES record queued as
/// memory_failure(pfn, 0) (gated: kernel mode, no SIGBUS): the first drops the clean page from the page cache ("clean
/// LRU page" Recovered), the second finds it already poisoned ("already poisoned" Failed, v6.17's string).</item>
/// <item>RISC-V (all three): __asm_copy_to_user's loads have entries and any entry is fixed up; the 8-register block
/// at 0x100 faults on its first load with the destination cursor there: 256 bytes (copy_page_to_iter's second copy
/// faults at once). No memory_failure: the poisoned page stays in the page cache.</item>
/// <item>generic, arm64-upstream: no entry on copy_to_user's kernel loads (or no recovery at all): oops.</item>
/// </list>
/// </summary>
public sealed class Copyout : Scenario
{
    private const int PoisonOffset = 0x100;

    /// <inheritdoc />
    public override string Id => "copyout";

    /// <inheritdoc />
    public override string Summary => "read(2) of a page-cache page with a poisoned line: copy_to_user consumes it on a kernel load; a short read where the architecture fixes that up, else oops or panic";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("reader");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, [0]);
        var inode = machine.Filemap.CreateFile("/data/file", InodeKind.Regular, PhysicalMemory.PageSize);
        inode.BackingStore[0] = Enumerable.Repeat((byte)0xa5, PhysicalMemory.PageSize).ToArray();
        var folio = machine.Filemap.ReadCacheFolio(inode, 0) ?? throw new InvalidOperationException("no memory for the page cache");
        context.Set("task", task);
        context.Set("buf", vma.Start);
        context.Set("file", new OpenFile(inode));
        context.Set("page", folio.Head);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), PoisonOffset);

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var ret = context.Syscall("pread64", Syscalls.Pread64(context.Machine, context.Get<TaskStruct>("task"), context.Get<OpenFile>("file"),
            context.Get<ulong>("buf"), PhysicalMemory.PageSize, 0));
        context.ShortRead = ret is > 0 and < PhysicalMemory.PageSize;
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => profile switch
    {
        X86Architecture.ProfileName or X86Architecture.FragileProfileName => Expectation.Panics(),
        GenericArchitecture.ProfileName or Arm64Architecture.UpstreamProfileName => Expectation.OopsKillsTask(),
        Arm64Architecture.ProfileName => Short(208) with
        {
            MemoryFailures = [("clean LRU page", MfResult.Recovered), ("already poisoned", MfResult.Failed)],
            Queued = 2,
        },
        RiscVServiceCollectionExtensions.Riscv64 or RiscVServiceCollectionExtensions.Riscv32 or RiscVServiceCollectionExtensions.Riscv64Upstream => Short(PoisonOffset) with
        {
            MemoryFailures = [],
            Queued = 0,
        },
        _ => throw new ArgumentException($"{Id} declares no outcome for profile '{profile}'", nameof(profile)),
    };

    private static Expectation Short(long read) => Expectation.Survives() with { Syscalls = [("pread64", read)], Signals = [], ShortRead = true };
}
