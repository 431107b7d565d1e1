namespace KernelModel.Arch.X86;

/// <summary>
/// The fields of struct mce (arch/x86/include/asm/mce.h) the handler decides with: the bank's MCi_STATUS,
/// MCi_MISC and MCi_ADDR, MCG_STATUS, the interrupted instruction (ip, as its site) and code segment (cs),
/// the bank, and the kflags the grading sets.
/// </summary>
[KernelSymbol("arch/x86/include/asm/mce.h", "mce")]
public sealed class MachineCheckRecord
{
    /// <summary>__KERNEL_CS on x86-64.</summary>
    public const int KernelCs = 0x10;

    /// <summary>__USER_CS on x86-64 (RPL 3).</summary>
    public const int UserCs = 0x33;

    /// <summary>MCi_STATUS.</summary>
    public required ulong Status { get; init; }

    /// <summary>MCi_MISC.</summary>
    public required ulong Misc { get; init; }

    /// <summary>MCi_ADDR (masked by the reported address LSB, as mce_read_aux does).</summary>
    public required ulong Addr { get; init; }

    /// <summary>MCG_STATUS.</summary>
    public required ulong McgStatus { get; init; }

    /// <summary>The interrupted instruction (m-&gt;ip).</summary>
    public required CodeSite Ip { get; init; }

    /// <summary>The code segment (m-&gt;cs): RPL 3 for user mode.</summary>
    public required int Cs { get; init; }

    /// <summary>The reporting bank.</summary>
    public required int Bank { get; init; }

    /// <summary>Kernel-side flags set while grading.</summary>
    public MceKflags Kflags { get; set; }

    /// <summary>The user address is_copy_from_user() stored in current-&gt;mce_vaddr while grading, or null.</summary>
    public ulong? McVaddr { get; set; }

    /// <summary>The graded severity (m-&gt;severity).</summary>
    public MceSeverityLevel Severity { get; set; }
}
