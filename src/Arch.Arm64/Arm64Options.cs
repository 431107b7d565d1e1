using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// The kernel-version and configuration choices of an arm64 profile. Every value the reference could not pin
/// down (v14's extable kind, v14's MOPS fixups, the MTE block size) is a named option here, not a silent choice.
/// </summary>
public sealed record Arm64Options
{
    /// <summary>CONFIG_ARCH_HAS_COPY_MC with the series applied (memcpy_mc, copy_mc_page, KERNEL_MEM_ERR, do_apei_claim_sea).</summary>
    public bool ArchHasCopyMc { get; init; }

    /// <summary>The extable kind of the KERNEL_MEM_ERR sites (series only).</summary>
    public Arm64MemErrExtable MemErrExtable { get; init; } = Arm64MemErrExtable.V14KaccessErrZeroReuseAssumed;

    /// <summary>Whether the CPU has FEAT_MOPS, and which version's MOPS fixups apply (series only).</summary>
    public Arm64Mops Mops { get; init; } = Arm64Mops.None;

    /// <summary>
    /// The v14 GHES patch "use exception context to gate SIGBUS on poison consumption": passed to
    /// <see cref="IGhes.NotifySea"/> so that a kernel-mode consumption the caller fixes up gets no SIGBUS.
    /// </summary>
    public bool GhesGateSigbusOnContext { get; init; }

    /// <summary>system_supports_mte(): whether copy_mc_highpage also copies MTE allocation tags.</summary>
    public bool Mte { get; init; }

    /// <summary>
    /// GMID_EL1.BS: log2 of the block (in 4-byte words) one LDGM/STGM transfers tags for; multitag_transfer_size
    /// is 4 &lt;&lt; BS bytes. Implementation defined (2..6 architecturally); 4 (64-byte blocks) is an assumed typical
    /// value. The model packs two 4-bit tags per byte of tag storage, so it takes 3..6 (whole bytes per transfer).
    /// </summary>
    public int MteGmidBs { get; init; } = 4;

    /// <summary>Mainline arm64: no ARCH_HAS_COPY_MC.</summary>
    public static Arm64Options Upstream { get; } = new();

    /// <summary>The series as of v14 (v13 code where v14's is unpublished), with the GHES SIGBUS gating; no MOPS, no MTE.</summary>
    public static Arm64Options Series { get; } = new() { ArchHasCopyMc = true, GhesGateSigbusOnContext = true };

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it and the valid range.</exception>
    public void Validate()
    {
        if (MteGmidBs is < 3 or > 6)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"invalid GMID_EL1.BS {MteGmidBs}: valid values are 3..6"));
        }

        if (!ArchHasCopyMc && (Mops != Arm64Mops.None || GhesGateSigbusOnContext))
        {
            throw new ArgumentException("the MOPS fixup version and the GHES SIGBUS gating belong to the ARCH_HAS_COPY_MC series: set ArchHasCopyMc");
        }
    }
}
