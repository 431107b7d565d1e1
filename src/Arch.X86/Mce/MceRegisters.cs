namespace KernelModel.Arch.X86;

/// <summary>
/// Machine-check register bits with the kernel's values (arch/x86/include/asm/mce.h): MCG_STATUS, MCi_STATUS,
/// the architectural MCA error codes and the MCi_MISC address fields.
/// </summary>
[KernelSymbol("arch/x86/include/asm/mce.h", "MCI_STATUS_VAL")]
public static class MceRegisters
{
    /// <summary>MCG_STATUS_RIPV: restart IP valid.</summary>
    public const ulong McgStatusRipv = 1UL << 0;

    /// <summary>MCG_STATUS_EIPV: the IP points at the instruction that caused the error.</summary>
    public const ulong McgStatusEipv = 1UL << 1;

    /// <summary>MCG_STATUS_MCIP: machine check in progress.</summary>
    public const ulong McgStatusMcip = 1UL << 2;

    /// <summary>MCG_STATUS_LMCES: local machine check (signalled to this CPU only).</summary>
    public const ulong McgStatusLmces = 1UL << 3;

    /// <summary>MCI_STATUS_VAL: valid error.</summary>
    public const ulong MciStatusVal = 1UL << 63;

    /// <summary>MCI_STATUS_OVER: previous errors lost.</summary>
    public const ulong MciStatusOver = 1UL << 62;

    /// <summary>MCI_STATUS_UC: uncorrected error.</summary>
    public const ulong MciStatusUc = 1UL << 61;

    /// <summary>MCI_STATUS_EN: error enabled.</summary>
    public const ulong MciStatusEn = 1UL << 60;

    /// <summary>MCI_STATUS_MISCV: MCi_MISC valid.</summary>
    public const ulong MciStatusMiscv = 1UL << 59;

    /// <summary>MCI_STATUS_ADDRV: MCi_ADDR valid.</summary>
    public const ulong MciStatusAddrv = 1UL << 58;

    /// <summary>MCI_STATUS_PCC: processor context corrupt.</summary>
    public const ulong MciStatusPcc = 1UL << 57;

    /// <summary>MCI_STATUS_S: signalled machine check.</summary>
    public const ulong MciStatusS = 1UL << 56;

    /// <summary>MCI_STATUS_AR: action required.</summary>
    public const ulong MciStatusAr = 1UL << 55;

    /// <summary>MCACOD: the MCA error code field (bit 12, the filter bit, masked out).</summary>
    public const ulong Mcacod = 0xefff;

    /// <summary>MCACOD_SCRUB: 0xC0-0xCF memory scrubbing.</summary>
    public const ulong McacodScrub = 0x00C0;

    /// <summary>MCACOD_SCRUBMSK.</summary>
    public const ulong McacodScrubMsk = 0xeff0;

    /// <summary>MCACOD_L3WB: L3 explicit writeback.</summary>
    public const ulong McacodL3Wb = 0x017A;

    /// <summary>MCACOD_DATA: data load.</summary>
    public const ulong McacodData = 0x0134;

    /// <summary>MCACOD_INSTR: instruction fetch.</summary>
    public const ulong McacodInstr = 0x0150;

    /// <summary>MCI_MISC_ADDR_PHYS: MCi_ADDR holds a physical address.</summary>
    public const ulong MciMiscAddrPhys = 2;

    /// <summary>MCI_ADDR_PHYSADDR: bits 51:0 of MCi_ADDR are the physical address.</summary>
    public const ulong MciAddrPhysaddr = (1UL << 52) - 1;

    /// <summary>MCI_MISC_ADDR_LSB(misc): the lowest valid address bit.</summary>
    public static int MiscAddrLsb(ulong misc) => (int)(misc & 0x3f);

    /// <summary>MCI_MISC_ADDR_MODE(misc): the address mode.</summary>
    public static ulong MiscAddrMode(ulong misc) => (misc >> 6) & 7;
}
