using System.Buffers.Binary;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// What platform firmware writes into a GHES error status block for a memory error: one generic error data entry
/// (revision 3.0, primary) holding a platform memory error section with the physical address, its mask (one 64-byte
/// line), the node and the error type. The bytes are laid out exactly as <see cref="CperDecoder"/> reads them.
/// </summary>
public static class CperRecordBuilder
{
    /// <summary>error_status for a consumed poisoned line: type 26, "A read was issued to data that has been poisoned".</summary>
    public const ulong StatusPoisonedRead = 26UL << 8;

    /// <summary>error_status for a DRAM storage error found otherwise (scrub, trigger): type 4.</summary>
    public const ulong StatusDramStorage = 4UL << 8;

    /// <summary>block_status bit 0: an uncorrectable error is recorded.</summary>
    public const uint BlockUncorrectable = 0x1;

    /// <summary>block_status bit 1: a correctable error is recorded.</summary>
    public const uint BlockCorrectable = 0x2;

    /// <summary>The bytes of a block with one platform memory error.</summary>
    /// <param name="physicalAddress">The address the error is at.</param>
    /// <param name="node">The NUMA node holding it.</param>
    /// <param name="severity">The record's and the section's severity.</param>
    /// <param name="errorStatus">error_status.</param>
    /// <param name="flags">The section flags (Primary, plus ErrorThresholdExceeded for a corrected-error storm).</param>
    public static byte[] PlatformMemoryError(ulong physicalAddress, int node, CperSeverity severity, ulong errorStatus, CperSectionFlags flags)
    {
        const int dataLength = AcpiHestGenericData.SizeV300 + CperSecMemErr.Size;
        var b = new byte[AcpiHestGenericStatus.Size + dataLength];
        var corrected = severity == CperSeverity.Corrected;
        var blockStatus = (corrected ? BlockCorrectable : BlockUncorrectable) | (1u << 4);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0), blockStatus);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), dataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), (uint)severity);

        var g = b.AsSpan(AcpiHestGenericStatus.Size);
        CperGuids.PlatformMem.TryWriteBytes(g[..16]);
        BinaryPrimitives.WriteUInt32LittleEndian(g[16..], (uint)severity);
        BinaryPrimitives.WriteUInt16LittleEndian(g[20..], 0x0300);
        g[23] = (byte)flags;
        BinaryPrimitives.WriteUInt32LittleEndian(g[24..], CperSecMemErr.Size);

        var m = g[AcpiHestGenericData.SizeV300..];
        var valid = CperMemValid.ErrorStatus | CperMemValid.Pa | CperMemValid.PaMask | CperMemValid.Node | CperMemValid.ErrorType;
        BinaryPrimitives.WriteUInt64LittleEndian(m, (ulong)valid);
        BinaryPrimitives.WriteUInt64LittleEndian(m[8..], errorStatus);
        BinaryPrimitives.WriteUInt64LittleEndian(m[16..], physicalAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(m[24..], ~(ulong)(PhysicalMemory.LineSize - 1));
        BinaryPrimitives.WriteUInt16LittleEndian(m[32..], (ushort)node);
        m[72] = corrected ? (byte)2 : (byte)3;
        return b;
    }
}
