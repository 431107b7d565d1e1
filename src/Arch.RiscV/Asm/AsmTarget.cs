
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// The machine the patch is assembled for and run on: XLEN (which selects REG_L/REG_S/SZREG in asm/asm.h and the
/// RV64-only instructions), the preprocessor's predefined macros, and where the kernel's text and linear map lie.
/// The addresses are options: the copy routines' results depend only on the buffers' low address bits, never on
/// these bases, so any page-aligned layout gives the same outcome.
/// </summary>
public sealed record AsmTarget
{
    private AsmTarget(int xlen) => Xlen = xlen;

    /// <summary>
    /// RV64 with Sv39: PAGE_OFFSET_L3 (arch/riscv/include/asm/page.h, as in the 6.x trees read; its value has moved
    /// between versions), TASK_SIZE_64 = PGDIR_SIZE * PTRS_PER_PGD / 2 (arch/riscv/include/asm/pgtable.h) with 1 GiB
    /// PGDIR_SIZE, and the kernel linked at the top 2 GiB (KERNEL_LINK_ADDR).
    /// </summary>
    [KernelSymbol("arch/riscv/include/asm/page.h", "PAGE_OFFSET_L3")]
    public static AsmTarget Rv64 { get; } = new(64)
    {
        PageOffset = 0xffff_ffd8_0000_0000,
        TaskSize = 0x40_0000_0000,
        TextBase = 0xffff_ffff_8000_0000,
    };

    /// <summary>
    /// RV32: CONFIG_PAGE_OFFSET's default 0xC0000000 (arch/riscv/Kconfig), the kernel linked at PAGE_OFFSET. TASK_SIZE is
    /// FIXADDR_START there, which depends on the configuration; the model assumes user space ends at PAGE_OFFSET
    /// (copy_mc_to_kernel never touches it).
    /// </summary>
    [KernelSymbol("arch/riscv/Kconfig", "PAGE_OFFSET")]
    public static AsmTarget Rv32 { get; } = new(32)
    {
        PageOffset = 0xc000_0000,
        TaskSize = 0xc000_0000,
        TextBase = 0xc000_0000,
    };

    /// <summary>32 or 64.</summary>
    public int Xlen { get; }

    /// <summary>SZREG: bytes in a register.</summary>
    public int RegisterBytes => Xlen / 8;

    /// <summary>PAGE_OFFSET: the linear map's base.</summary>
    public ulong PageOffset { get; init; }

    /// <summary>TASK_SIZE: user addresses lie below it.</summary>
    public ulong TaskSize { get; init; }

    /// <summary>Where the assembled text starts.</summary>
    public ulong TextBase { get; init; }

    /// <summary>The target for an XLEN.</summary>
    /// <exception cref="ArgumentException">Not 32 or 64.</exception>
    public static AsmTarget ForXlen(int xlen) => xlen switch
    {
        64 => Rv64,
        32 => Rv32,
        _ => throw new ArgumentException($"invalid XLEN {xlen}: valid values are 64 and 32"),
    };

    /// <summary>
    /// The macros the kernel's build defines for an assembler source of this target: __ASSEMBLY__ (kbuild's
    /// -D__ASSEMBLY__ for .S files), the compiler's __riscv and __riscv_xlen, and the configuration symbols CONFIG_64BIT
    /// or CONFIG_32BIT, CONFIG_MMU and CONFIG_RISCV.
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> PredefinedMacros =>
    [
        ("__ASSEMBLY__", "1"),
        ("__riscv", "1"),
        ("__riscv_xlen", Xlen == 64 ? "64" : "32"),
        (Xlen == 64 ? "CONFIG_64BIT" : "CONFIG_32BIT", "1"),
        ("CONFIG_MMU", "1"),
        ("CONFIG_RISCV", "1"),
    ];
}
