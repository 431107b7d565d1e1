using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// struct acpi_hest_generic_status (include/acpi/actbl1.h): the 20-byte header of a GHES error status block.
/// </summary>
/// <param name="BlockStatus">block_status: bit 0 uncorrectable, bit 1 correctable, bits 4..13 the entry count; 0 means no error.</param>
/// <param name="RawDataOffset">raw_data_offset.</param>
/// <param name="RawDataLength">raw_data_length.</param>
/// <param name="DataLength">data_length: bytes of generic error data entries after the header.</param>
/// <param name="ErrorSeverity">error_severity (CPER_SEV_*).</param>
[KernelSymbol("include/acpi/actbl1.h", "acpi_hest_generic_status")]
public sealed record AcpiHestGenericStatus(uint BlockStatus, uint RawDataOffset, uint RawDataLength, uint DataLength, uint ErrorSeverity)
{
    /// <summary>sizeof(struct acpi_hest_generic_status).</summary>
    public const int Size = 20;

    /// <summary>cper_estatus_len(): the whole block's length.</summary>
    [KernelSymbol("include/linux/cper.h", "cper_estatus_len")]
    public ulong Length => RawDataOffset != 0 ? (ulong)RawDataOffset + RawDataLength : Size + (ulong)DataLength;
}
