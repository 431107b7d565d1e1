using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// The ESR_ELx values the model's data aborts report (arch/arm64/include/asm/esr.h): exception class, IL, WnR
/// and the fault status code. A consumed poison is a synchronous external abort (DFSC 0x10) with FAR valid and
/// SET = 0 (recoverable, UER); ISV is 0 because the copy routines' loads are pair or post-indexed forms. These
/// field choices are the model's assumption of what a RAS-capable CPU reports; real values vary (EA, SET, FnV).
/// A fault on an address that does not translate is assumed to be a level 3 translation fault.
/// </summary>
[KernelSymbol("arch/arm64/include/asm/esr.h", "ESR_ELx_EC_DABT_CUR")]
internal static class Arm64Esr
{
    /// <summary>ESR_ELx_EC_DABT_LOW: data abort from EL0.</summary>
    public const ulong EcDabtLow = 0x24;

    /// <summary>ESR_ELx_EC_DABT_CUR: data abort from EL1.</summary>
    public const ulong EcDabtCur = 0x25;

    /// <summary>ESR_ELx_EC_SHIFT.</summary>
    public const int EcShift = 26;

    /// <summary>ESR_ELx_IL: 32-bit instruction.</summary>
    public const ulong Il = 1UL << 25;

    /// <summary>ESR_ELx_WNR: the abort was on a write.</summary>
    public const ulong Wnr = 1UL << 6;

    /// <summary>ESR_ELx_FSC_EXTABT: synchronous external abort, not on a translation table walk.</summary>
    public const ulong FscExtabt = 0x10;

    /// <summary>Translation fault, level 3 (ESR_ELx_FSC_FAULT | 3).</summary>
    public const ulong FscFaultL3 = 0x07;

    /// <summary>Permission fault, level 3 (ESR_ELx_FSC_PERM | 3).</summary>
    public const ulong FscPermL3 = 0x0f;

    /// <summary>The ESR of a synchronous external abort on a load.</summary>
    public static ulong Sea(CpuMode mode) => ((mode == CpuMode.User ? EcDabtLow : EcDabtCur) << EcShift) | Il | FscExtabt;

    /// <summary>The ESR of a kernel-mode translation or permission fault.</summary>
    public static ulong KernelFault(bool write, bool permission) =>
        (EcDabtCur << EcShift) | Il | (write ? Wnr : 0) | (permission ? FscPermL3 : FscFaultL3);
}
