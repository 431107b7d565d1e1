namespace KernelModel.Arch.X86;

/// <summary>
/// The machine-check fields x86 keeps in task_struct (include/linux/sched.h under CONFIG_X86_MCE): mce_count,
/// mce_addr, mce_kflags, mce_ripv, mce_vaddr and the mce_kill_me callback chosen by queue_task_work().
/// </summary>
[KernelSymbol("include/linux/sched.h", "mce_kill_me")]
public sealed class MceTaskState
{
    /// <summary>mce_count: machine checks since the task work last ran.</summary>
    public int Count { get; set; }

    /// <summary>mce_addr: MCi_ADDR of the first of them.</summary>
    public ulong Addr { get; set; }

    /// <summary>mce_kflags.</summary>
    public MceKflags Kflags { get; set; }

    /// <summary>mce_ripv: MCG_STATUS.RIPV was set.</summary>
    public bool Ripv { get; set; }

    /// <summary>mce_vaddr: the user address a copy from user was reading, or null ((void __user *)-1).</summary>
    public ulong? Vaddr { get; set; }

    /// <summary>The name of the callback queued (kill_me_now, kill_me_maybe, kill_me_never).</summary>
    public string? KillMe { get; set; }
}
