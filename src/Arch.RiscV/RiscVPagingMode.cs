namespace KernelModel.Arch.RiscV;

/// <summary>
/// The virtual-memory mode satp selects (arch/riscv/mm/init.c set_satp_mode: a 64-bit kernel takes the largest
/// mode the hart supports unless told otherwise on the command line). It fixes PAGE_OFFSET, TASK_SIZE and how much
/// memory the linear map can hold; see <see cref="RiscVVmLayout"/>.
/// </summary>
public enum RiscVPagingMode
{
    /// <summary>Sv32: the only mode of a 32-bit kernel.</summary>
    Sv32,

    /// <summary>Sv39: three-level tables, the mode of most shipping RV64 silicon.</summary>
    Sv39,

    /// <summary>Sv48: four-level tables.</summary>
    Sv48,

    /// <summary>Sv57: five-level tables.</summary>
    Sv57,
}
