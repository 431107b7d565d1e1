namespace KernelModel.Mm;

/// <summary>CONFIG_ACPI_APEI_GHES=n, or no firmware-first error source: apei_claim_sea() claims nothing.</summary>
public sealed class GhesNotConfigured : IGhes
{
    /// <summary>Nothing claims the abort: -ENOENT.</summary>
    [KernelSymbol("arch/arm64/kernel/acpi.c", "apei_claim_sea")]
    public int NotifySea(Cpu cpu, HardwareErrorEvent error, bool gateSigbusOnContext) => -Errno.ENOENT;
}
