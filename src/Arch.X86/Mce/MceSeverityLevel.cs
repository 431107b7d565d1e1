namespace KernelModel.Arch.X86;

/// <summary>enum severity_level (arch/x86/kernel/cpu/mce/internal.h), in the kernel's order.</summary>
[KernelSymbol("arch/x86/kernel/cpu/mce/internal.h", "severity_level")]
public enum MceSeverityLevel
{
    /// <summary>MCE_NO_SEVERITY.</summary>
    No,

    /// <summary>MCE_DEFERRED_SEVERITY (MCE_UCNA_SEVERITY is the same value).</summary>
    Deferred,

    /// <summary>MCE_KEEP_SEVERITY.</summary>
    Keep,

    /// <summary>MCE_SOME_SEVERITY.</summary>
    Some,

    /// <summary>MCE_AO_SEVERITY: action optional.</summary>
    Ao,

    /// <summary>MCE_UC_SEVERITY: uncorrected.</summary>
    Uc,

    /// <summary>MCE_AR_SEVERITY: action required.</summary>
    Ar,

    /// <summary>MCE_PANIC_SEVERITY.</summary>
    Panic,
}
