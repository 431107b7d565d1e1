namespace KernelModel.Arch.RiscV;

/// <summary>
/// The kernel's virtual memory layout per paging mode (arch/riscv/include/asm/page.h, pgtable.h;
/// Documentation/arch/riscv/vm-layout.rst), as a table.
/// </summary>
/// <param name="Mode">The paging mode.</param>
/// <param name="PageOffset">PAGE_OFFSET: the linear map's start.</param>
/// <param name="TaskSize">TASK_SIZE: user addresses lie below it.</param>
/// <param name="LinearMapSize">How much physical memory the linear map can hold.</param>
[KernelSymbol("arch/riscv/include/asm/page.h", "PAGE_OFFSET")]
[KernelSymbol("arch/riscv/include/asm/pgtable.h", "TASK_SIZE")]
public sealed record RiscVVmLayout(RiscVPagingMode Mode, ulong PageOffset, ulong TaskSize, ulong LinearMapSize)
{
    /// <summary>
    /// The rows. Sv32: CONFIG_PAGE_OFFSET's 32-bit default 0xc0000000, TASK_SIZE = FIXADDR_START (0x9fc00000 as
    /// pgtable.h documents it) and a 1 GiB linear map (-PAGE_OFFSET; RV32 has no highmem). RV64: PAGE_OFFSET_L3 /
    /// L4 / L5 and TASK_SIZE_64 = PGDIR_SIZE * PTRS_PER_PGD / 2; the linear map is half the kernel half
    /// (KERN_VIRT_SIZE). PAGE_OFFSET_L3 moved between releases (0xffffffe000000000, 0xffffffd800000000, then
    /// 0xffffffd600000000 in current kernels, which this table uses); it only changes printed addresses.
    /// </summary>
    public static IReadOnlyList<RiscVVmLayout> Table { get; } =
    [
        new(RiscVPagingMode.Sv32, 0xc000_0000, 0x9fc0_0000, 1UL << 30),
        new(RiscVPagingMode.Sv39, 0xffff_ffd6_0000_0000, 0x40_0000_0000, 128UL << 30),
        new(RiscVPagingMode.Sv48, 0xffff_af80_0000_0000, 0x8000_0000_0000, 64UL << 40),
        new(RiscVPagingMode.Sv57, 0xff60_0000_0000_0000, 0x100_0000_0000_0000, 32UL << 50),
    ];

    /// <summary>The row of a mode.</summary>
    public static RiscVVmLayout Of(RiscVPagingMode mode) => Table.Single(r => r.Mode == mode);
}
