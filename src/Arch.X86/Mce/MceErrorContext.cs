namespace KernelModel.Arch.X86;

/// <summary>enum context (arch/x86/kernel/cpu/mce/severity.c): where the error was consumed, as error_context() grades it.</summary>
[KernelSymbol("arch/x86/kernel/cpu/mce/severity.c", "context")]
public enum MceErrorContext
{
    /// <summary>No context requirement (a severity rule that matches any).</summary>
    Any = 0,

    /// <summary>IN_KERNEL: kernel mode, not recoverable.</summary>
    InKernel = 1,

    /// <summary>IN_USER: user mode (CPL 3).</summary>
    InUser = 2,

    /// <summary>IN_KERNEL_RECOV: kernel mode at a site the kernel can recover from.</summary>
    InKernelRecov = 3,
}
