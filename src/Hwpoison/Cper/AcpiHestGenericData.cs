using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// struct acpi_hest_generic_data (include/acpi/actbl1.h): one generic error data entry's header: 64 bytes, or 72
/// from revision 3 (acpi_hest_generic_data_v300, with a timestamp); the section follows.
/// </summary>
/// <param name="SectionType">section_type (a CPER section GUID).</param>
/// <param name="ErrorSeverity">error_severity (CPER_SEV_*).</param>
/// <param name="Revision">revision (major in the high byte).</param>
/// <param name="ValidationBits">validation_bits: 0x1 fru_id, 0x2 fru_text, 0x4 timestamp.</param>
/// <param name="Flags">flags (CPER_SEC_*).</param>
/// <param name="ErrorDataLength">error_data_length: bytes of the section.</param>
/// <param name="FruId">fru_id.</param>
/// <param name="FruText">fru_text (up to 20 characters).</param>
/// <param name="TimeStamp">time_stamp (revision 3 and later).</param>
[KernelSymbol("include/acpi/actbl1.h", "acpi_hest_generic_data")]
public sealed record AcpiHestGenericData(Guid SectionType, uint ErrorSeverity, ushort Revision, byte ValidationBits, CperSectionFlags Flags,
    uint ErrorDataLength, Guid FruId, string FruText, ulong TimeStamp)
{
    /// <summary>sizeof(struct acpi_hest_generic_data).</summary>
    public const int SizeV1 = 64;

    /// <summary>sizeof(struct acpi_hest_generic_data_v300).</summary>
    public const int SizeV300 = 72;

    /// <summary>CPER_SEC_VALID_FRU_ID.</summary>
    public const byte ValidFruId = 0x1;

    /// <summary>CPER_SEC_VALID_FRU_TEXT.</summary>
    public const byte ValidFruText = 0x2;

    /// <summary>acpi_hest_get_size(): the header's size for its revision.</summary>
    [KernelSymbol("include/acpi/ghes.h", "acpi_hest_get_size")]
    public int HeaderSize => Revision >> 8 >= 3 ? SizeV300 : SizeV1;

    /// <summary>acpi_hest_get_record_size(): header plus section.</summary>
    [KernelSymbol("include/acpi/ghes.h", "acpi_hest_get_record_size")]
    public ulong RecordSize => (ulong)HeaderSize + ErrorDataLength;
}
