using KernelModel.Arch.Arm64;
using KernelModel.Arch.RiscV;
using KernelModel.Arch.X86;
using KernelModel.Mm;
using KernelModel.Uaccess;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// dax-read: an 8 KiB file on a pmem device mounted with DAX, latent poison in the line at 0x100 of its second page.
/// Three reads from the start: the first copies with _copy_mc_to_iter and comes back short; the iomap loop goes on
/// from where the copy stopped and copies nothing: read returns the bytes before the poison. The second read starts
/// there, copies nothing: -EFAULT. Then an address range scrub reports the line into the device's badblocks, and the
/// third read fails in dax_direct_access: -EHWPOISON, which dax_mem2blk_err makes -EIO. Reference: kernel-paths.md
/// 8b; arch-copy-mc.md 2.3, 4.4, 5.7.
/// <list type="bullet">
/// <item>x86_64: copy_mc_to_user is copy_mc_enhanced_fast_string (rep movsb, EX_TYPE_DEFAULT_MCE_SAFE); rcx
/// reports the copy stopped at the poisoned line (X86Options.FastStringProgress, assumed): 4096 + 256 = 4352.
/// x86_64-fragile: copy_mc_fragile, exact: 4352.</item>
/// <item>arm64 (series): copy_mc_to_user is copy_to_user with KERNEL_MEM_ERR loads, end - dst: the load of the block
/// at 4352 faults after the store of the first 16 bytes of the block at 4288: 4304.</item>
/// <item>RISC-V: copy_mc_to_user is __asm_copy_to_user (with or without the seed patch: without it
/// _copy_mc_to_iter is _copy_to_iter and copy_to_user is the same routine): the block at 4352 faults first: 4352.</item>
/// <item>generic, arm64-upstream: no ARCH_HAS_COPY_MC, so _copy_to_iter and a copy_to_user whose kernel loads have
/// no entry: oops.</item>
/// </list>
/// The pmem pages are reserved RAM in the model (the kernel's are ZONE_DEVICE); where GHES queues memory_failure for
/// them (arm64) its verdict is the model's, not declared.
/// </summary>
public sealed class DaxRead : Scenario
{
    private const ulong FileSize = 2 * PhysicalMemory.PageSize;
    private const ulong PoisonOffset = PhysicalMemory.PageSize + 0x100;

    /// <inheritdoc />
    public override string Id => "dax-read";

    /// <inheritdoc />
    public override string Summary => "read(2) of a DAX file on pmem over a poisoned line: copy_mc_to_iter comes back short, then EFAULT; once scrubbed into badblocks, EIO";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("reader");
        var vma = task.Mm!.Mmap(FileSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, new byte[FileSize]);
        var pmem = new PmemDevice(machine, "pmem0", order: 4);
        machine.Memory.Write(pmem.PhysAddr, Enumerable.Repeat((byte)0x77, (int)FileSize).ToArray());
        context.Set("task", task);
        context.Set("buf", vma.Start);
        context.Set("pmem", pmem);
        context.Set("file", new OpenFile(pmem.CreateFile("/mnt/pmem/data", 0, FileSize)));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.Machine.Memory.InjectPoison(context.Get<PmemDevice>("pmem").PhysAddr + PoisonOffset);

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = context.Get<TaskStruct>("task");
        var file = context.Get<OpenFile>("file");
        var buf = context.Get<ulong>("buf");
        var ret = context.Syscall("read", Syscalls.Read(machine, task, file, buf, FileSize));
        context.ShortRead = ret is > 0 and < (long)FileSize;
        context.Syscall("read", Syscalls.Read(machine, task, file, buf, FileSize));
        context.Get<PmemDevice>("pmem").AddressRangeScrub();
        context.Syscall("read", Syscalls.Read(machine, task, file, buf, FileSize));
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => profile switch
    {
        GenericArchitecture.ProfileName or Arm64Architecture.UpstreamProfileName => Expectation.OopsKillsTask(),
        X86Architecture.ProfileName or X86Architecture.FragileProfileName => Reads(4352) with { Queued = 0, MemoryFailures = [] },
        Arm64Architecture.ProfileName => Reads(4304),
        RiscVServiceCollectionExtensions.Riscv64 or RiscVServiceCollectionExtensions.Riscv32 or RiscVServiceCollectionExtensions.Riscv64Upstream =>
            Reads(4352) with { Queued = 0, MemoryFailures = [] },
        _ => throw new ArgumentException($"{Id} declares no outcome for profile '{profile}'", nameof(profile)),
    };

    private static Expectation Reads(long first) => Expectation.Survives() with
    {
        Syscalls = [("read", first), ("read", -Errno.EFAULT), ("read", -Errno.EIO)],
        ShortRead = true,
        Signals = [],
    };
}
