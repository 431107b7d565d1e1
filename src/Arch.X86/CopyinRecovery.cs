namespace KernelModel.Arch.X86;

/// <summary>
/// How a kernel-mode machine check while the kernel reads user memory (copy_from_user, get_user) is handled,
/// by kernel era (interfaces.md section 9, kernel-paths.md section 9).
/// </summary>
public enum CopyinRecovery
{
    /// <summary>
    /// Before the 2021 copy-from-user recovery (c0ab7ffce275 "x86/mce: Recover from poison found while copying from
    /// user space" and 278b917f8cb9 "x86/mce: Add _ASM_EXTABLE_CPY for copy user access"; interfaces.md dates it
    /// 5.10, kernel-paths.md 5.12): a uaccess entry is not MCE-safe, the context grades IN_KERNEL and the machine panics.
    /// </summary>
    None,

    /// <summary>
    /// v5.12's behaviour: MCE_IN_KERNEL_COPYIN, fixup (-EFAULT or a short copy), and kill_me_maybe as task work,
    /// which runs memory_failure(pfn, MF_ACTION_REQUIRED) and then sends SIGBUS BUS_MCEERR_AR at the user address
    /// the decoder recorded (mce_vaddr). Selecting it selects v5.12's kill_me_maybe as a whole, also for user-mode
    /// consumption: no -EHWPOISON / -EOPNOTSUPP early return.
    /// </summary>
    SigbusAr,

    /// <summary>
    /// Since "x86/mce: Change to not send SIGBUS error during copy from user" (Tony Luck, August 2021, about 5.15):
    /// fixup, and kill_me_never as task work: memory_failure(pfn, 0) and no signal.
    /// </summary>
    KillMeNever,
}
