using KernelModel.Arch.Arm64;
using KernelModel.Arch.RiscV;
using KernelModel.Arch.X86;
using KernelModel.Mm;
using KernelModel.Uaccess;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// futex: a thread calls FUTEX_WAIT (private) on a futex word in its dirty anonymous page; the word's line holds latent
/// poison. futex_wait_setup reads the word with futex_get_value_locked (__get_user, page faults off), which consumes
/// the poison in kernel mode; then with get_user, which consumes it again; both fail and futex returns -EFAULT.
/// Reference: kernel-paths.md section 9 ("futex_get_value / get_futex_value_locked is a plain MOV and is recoverable
/// -> -EFAULT") and section 12.
/// <list type="bullet">
/// <item>x86_64, x86_64-fragile: __get_user_asm (EX_TYPE_EFAULT_REG, recoverable with the 2025 fix,
/// X86Options.EfaultRegCopyin) and getuser.S (EX_TYPE_UACCESS) are both MOVs reading user memory: COPYIN twice on one
/// page, one kill_me_never: memory_failure(pfn, 0), "dirty LRU page" Recovered, no signal.</item>
/// <item>arm64 (series): both ldtr are claimed and fixed up; each abort queues memory_failure(pfn, 0) (how many
/// verdicts follow is the model's count: not declared); no SIGBUS (v14 gating).</item>
/// <item>RISC-V: both loads' EX_TYPE_UACCESS_ERR_ZERO entries are fixed up; no memory_failure.</item>
/// <item>generic, arm64-upstream: oops, the thread is killed.</item>
/// </list>
/// The futex atomics (FUTEX_WAKE_OP, PI) are a separate path with their own entries (x86: not decodable, panic); the
/// Uaccess tests cover them.
/// </summary>
public sealed class Futex : Scenario
{
    private const int WordOffset = 0x100;

    /// <inheritdoc />
    public override string Id => "futex";

    /// <inheritdoc />
    public override string Summary => "FUTEX_WAIT on a futex word in a poisoned line: __get_user then get_user consume it; -EFAULT, memory_failure(pfn, 0) as the architecture queues it, no signal";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("waiter");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start + WordOffset, [1, 0, 0, 0]);
        context.Set("task", task);
        context.Set("word", vma.Start + WordOffset);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context)
    {
        var task = context.Get<TaskStruct>("task");
        var pfn = task.Mm!.PageTable.Walk(context.Get<ulong>("word")).Entry.Pfn;
        context.PoisonLine(context.Machine.Memory.PfnToPage(pfn), WordOffset);
    }

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        context.Syscall("futex", Syscalls.Futex(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("word"),
            FutexCmd.FUTEX_WAIT | FutexCmd.FUTEX_PRIVATE_FLAG, 1, TimeSpan.FromSeconds(1)));

    /// <inheritdoc />
    public override Expectation Expect(string profile) => profile switch
    {
        GenericArchitecture.ProfileName or Arm64Architecture.UpstreamProfileName => Expectation.OopsKillsTask(),
        X86Architecture.ProfileName or X86Architecture.FragileProfileName => Efault with
        {
            MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
            Queued = 0,
        },
        Arm64Architecture.ProfileName => Efault,
        RiscVServiceCollectionExtensions.Riscv64 or RiscVServiceCollectionExtensions.Riscv32 or RiscVServiceCollectionExtensions.Riscv64Upstream => Efault with
        {
            MemoryFailures = [],
            Queued = 0,
        },
        _ => throw new ArgumentException($"{Id} declares no outcome for profile '{profile}'", nameof(profile)),
    };

    private static Expectation Efault => Expectation.Survives() with { Syscalls = [("futex", -Errno.EFAULT)], Signals = [] };
}
