using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>CPER section type GUIDs (include/linux/cper.h), laid out as guid_t is in memory (little-endian fields, as <see cref="Guid"/>).</summary>
public static class CperGuids
{
    /// <summary>CPER_SEC_PLATFORM_MEM: A5BC1114-6F64-4EDE-B863-3E83ED7C83B1, the platform memory error section.</summary>
    [KernelSymbol("include/linux/cper.h", "CPER_SEC_PLATFORM_MEM")]
    public static readonly Guid PlatformMem = new(0xA5BC1114, 0x6F64, 0x4EDE, 0xB8, 0x63, 0x3E, 0x83, 0xED, 0x7C, 0x83, 0xB1);
}
