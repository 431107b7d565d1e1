namespace KernelModel.Arch.X86;

/// <summary>The struct mce kflags the grading sets (arch/x86/include/asm/mce.h), with the kernel's bit values.</summary>
[Flags]
[KernelSymbol("arch/x86/include/asm/mce.h", "MCE_IN_KERNEL_RECOV")]
public enum MceKflags : ulong
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>MCE_IN_KERNEL_RECOV: fixup_exception() recovers the kernel.</summary>
    InKernelRecov = 1UL << 6,

    /// <summary>MCE_IN_KERNEL_COPYIN: the kernel was copying from user memory; the page is handled by task work.</summary>
    InKernelCopyin = 1UL << 7,
}
