using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// struct cper_sec_mem_err (include/linux/cper.h, UEFI N.2.5): the platform memory error section, 80 bytes; the
/// UEFI 2.1/2.2 layout (cper_sec_mem_err_old, 73 bytes) stops after error_type.
/// </summary>
/// <param name="ValidationBits">validation_bits (CPER_MEM_VALID_*).</param>
/// <param name="ErrorStatus">error_status.</param>
/// <param name="PhysicalAddr">physical_addr.</param>
/// <param name="PhysicalAddrMask">physical_addr_mask.</param>
/// <param name="Node">node.</param>
/// <param name="Card">card.</param>
/// <param name="Module">module.</param>
/// <param name="Bank">bank.</param>
/// <param name="Device">device.</param>
/// <param name="Row">row.</param>
/// <param name="Column">column.</param>
/// <param name="BitPos">bit_pos.</param>
/// <param name="RequestorId">requestor_id.</param>
/// <param name="ResponderId">responder_id.</param>
/// <param name="TargetId">target_id.</param>
/// <param name="ErrorType">error_type (see <see cref="CperStrings.MemErrType"/>).</param>
/// <param name="Extended">extended (row bits 16-17, chip id).</param>
/// <param name="Rank">rank.</param>
/// <param name="MemArrayHandle">mem_array_handle.</param>
/// <param name="MemDevHandle">mem_dev_handle.</param>
/// <param name="Length">The section's error_data_length.</param>
[KernelSymbol("include/linux/cper.h", "cper_sec_mem_err")]
public sealed record CperSecMemErr(CperMemValid ValidationBits, ulong ErrorStatus, ulong PhysicalAddr, ulong PhysicalAddrMask,
    ushort Node, ushort Card, ushort Module, ushort Bank, ushort Device, ushort Row, ushort Column, ushort BitPos,
    ulong RequestorId, ulong ResponderId, ulong TargetId, byte ErrorType, byte Extended, ushort Rank, ushort MemArrayHandle,
    ushort MemDevHandle, uint Length)
{
    /// <summary>sizeof(struct cper_sec_mem_err).</summary>
    public const int Size = 80;

    /// <summary>sizeof(struct cper_sec_mem_err_old).</summary>
    public const int OldSize = 73;

    /// <summary>The bytes needed to hold validation_bits, error_status and physical_addr, which GHES reads.</summary>
    public const int MinimumReadable = 24;
}
