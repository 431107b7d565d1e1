namespace KernelModel.Arch.RiscV;

/// <summary>
/// What a RISC-V profile fixes: XLEN, the paging mode, whether the seed patch is applied, and the trap-path facts
/// that depend on the platform or the kernel version. Every choice is named here, never made silently.
/// </summary>
public sealed record RiscVOptions
{
    /// <summary>XLEN: 64 (RV64, SZREG 8) or 32 (RV32, SZREG 4).</summary>
    public int Xlen { get; init; } = 64;

    /// <summary>The satp mode: Sv32 for RV32; Sv39, Sv48 or Sv57 for RV64.</summary>
    public RiscVPagingMode PagingMode { get; init; } = RiscVPagingMode.Sv39;

    /// <summary>Whether the seed patch (riscv: add copy_mc_to_{kernel,user} support) is applied.</summary>
    public bool SeedPatch { get; init; } = true;

    /// <summary>How the platform reports consumed poison (the seed does not say).</summary>
    public RiscVPoisonDelivery PoisonDelivery { get; init; } = RiscVPoisonDelivery.LoadAccessFault;

    /// <summary>
    /// Whether kernel-mode exceptions run as NMIs: since "riscv: entry: Convert to generic entry" (f0bddf50586d,
    /// v6.4) the DO_ERROR_INFO handlers call irqentry_nmi_enter() for a kernel-mode trap, so die() sees
    /// in_interrupt() and panics with "Fatal exception in interrupt" whatever panic_on_oops says. False models
    /// older kernels, where die() kills only the current task unless panic_on_oops is set.
    /// </summary>
    public bool KernelTrapsEnterNmi { get; init; } = true;

    /// <summary>SZREG: bytes per register (asm/asm.h).</summary>
    public int Szreg => Xlen / 8;

    /// <summary>The layout of <see cref="PagingMode"/>.</summary>
    public RiscVVmLayout Layout => RiscVVmLayout.Of(PagingMode);

    /// <summary>RV64 with the seed patch.</summary>
    public static RiscVOptions Riscv64 { get; } = new();

    /// <summary>RV32 with the seed patch.</summary>
    public static RiscVOptions Riscv32 { get; } = new() { Xlen = 32, PagingMode = RiscVPagingMode.Sv32 };

    /// <summary>RV64 without the seed patch.</summary>
    public static RiscVOptions Riscv64Upstream { get; } = new() { SeedPatch = false };

    /// <summary>Checks that XLEN and the paging mode agree.</summary>
    /// <exception cref="ArgumentException">They do not; the message names both.</exception>
    public void Validate()
    {
        if (Xlen is not (32 or 64))
        {
            throw new ArgumentException($"invalid XLEN {Xlen}: valid values are 32 and 64");
        }

        if ((Xlen == 32) != (PagingMode == RiscVPagingMode.Sv32))
        {
            throw new ArgumentException($"paging mode {PagingMode} does not exist with XLEN {Xlen}: RV32 uses Sv32, RV64 uses Sv39, Sv48 or Sv57");
        }
    }
}
