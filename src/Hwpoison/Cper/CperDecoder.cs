using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// Reads a GHES error status block from its bytes with the checks GHES makes before trusting it
/// (drivers/acpi/apei/ghes.c __ghes_check_estatus / __ghes_read_estatus, drivers/firmware/efi/cper.c
/// cper_estatus_check_header / cper_estatus_check), and decodes its platform memory error sections. Anything
/// inconsistent is a <see cref="CperFormatException"/> naming the field and the numbers; nothing is half-read.
/// </summary>
public static class CperDecoder
{
    /// <summary>ACPI_HEST_GEN_VALID_TIMESTAMP.</summary>
    public const byte ValidTimestamp = 0x4;

    /// <summary>Decodes <paramref name="bytes"/>; null when block_status is 0 (no error is recorded).</summary>
    /// <param name="bytes">The block, from its first byte.</param>
    /// <param name="errorBlockLength">The error source's error_block_length (GHES_ESTATUS_MAX_SIZE at most).</param>
    /// <exception cref="CperFormatException">The block is malformed or truncated.</exception>
    [KernelSymbol("drivers/acpi/apei/ghes.c", "ghes_read_estatus")]
    public static CperRecord? Decode(ReadOnlySpan<byte> bytes, uint errorBlockLength)
    {
        if (bytes.Length < AcpiHestGenericStatus.Size)
        {
            throw new CperFormatException("Truncated error status block!",
                Say($"the record is {bytes.Length} bytes; the error status block header alone is {AcpiHestGenericStatus.Size}"));
        }

        var status = new AcpiHestGenericStatus(U32(bytes, 0), U32(bytes, 4), U32(bytes, 8), U32(bytes, 12), U32(bytes, 16));
        if (status.BlockStatus == 0)
        {
            return null;
        }

        var len = status.Length;
        if (len < AcpiHestGenericStatus.Size)
        {
            throw new CperFormatException("Truncated error status block!", Say($"cper_estatus_len is {len}, less than the {AcpiHestGenericStatus.Size}-byte header"));
        }

        if (len > errorBlockLength)
        {
            throw new CperFormatException("Invalid error status block length!",
                Say($"cper_estatus_len is {len}, more than the error source's error_block_length {errorBlockLength}"));
        }

        if (status.DataLength != 0 && status.DataLength < AcpiHestGenericData.SizeV1)
        {
            throw new CperFormatException("Invalid CPER header!",
                Say($"data_length {status.DataLength} is shorter than one generic error data entry ({AcpiHestGenericData.SizeV1})"));
        }

        if (status.RawDataLength != 0 && status.RawDataOffset < AcpiHestGenericStatus.Size + (ulong)status.DataLength)
        {
            throw new CperFormatException("Invalid CPER header!",
                Say($"raw_data_offset {status.RawDataOffset} points inside the header and entries ({AcpiHestGenericStatus.Size} + {status.DataLength} bytes)"));
        }

        if ((ulong)bytes.Length < len)
        {
            throw new CperFormatException("Failed to read error status block!", Say($"the block declares {len} bytes but the record has only {bytes.Length}"));
        }

        return new CperRecord(status, ReadSections(bytes, status), bytes[..(int)len].ToArray());
    }

    // cper_estatus_check() while walking apei_estatus_for_each_section(): every entry fits and they fill data_length.
    [KernelSymbol("drivers/firmware/efi/cper.c", "cper_estatus_check")]
    private static List<CperSection> ReadSections(ReadOnlySpan<byte> bytes, AcpiHestGenericStatus status)
    {
        var sections = new List<CperSection>();
        var remaining = (ulong)status.DataLength;
        var offset = AcpiHestGenericStatus.Size;
        var index = 0;
        while (remaining > 0)
        {
            if (remaining < AcpiHestGenericData.SizeV1)
            {
                throw new CperFormatException("Failed to read error status block!",
                    Say($"entry {index} at offset {offset}: {remaining} bytes left, less than an entry header ({AcpiHestGenericData.SizeV1})"));
            }

            var header = ReadHeader(bytes.Slice(offset, (int)Math.Min(remaining, AcpiHestGenericData.SizeV300)), index, offset, remaining);
            if (header.RecordSize > remaining)
            {
                throw new CperFormatException("Failed to read error status block!",
                    Say($"entry {index} at offset {offset}: header {header.HeaderSize} + error_data_length {header.ErrorDataLength} exceeds the {remaining} bytes left of data_length"));
            }

            var payload = bytes.Slice(offset + header.HeaderSize, (int)header.ErrorDataLength);
            sections.Add(header.SectionType == CperGuids.PlatformMem
                ? new CperMemorySection(header, ReadMemErr(payload, index))
                : new CperOtherSection(header, payload.ToArray()));
            offset += (int)header.RecordSize;
            remaining -= header.RecordSize;
            index++;
        }

        return sections;
    }

    private static AcpiHestGenericData ReadHeader(ReadOnlySpan<byte> b, int index, int offset, ulong remaining)
    {
        var revision = U16(b, 20);
        var size = revision >> 8 >= 3 ? AcpiHestGenericData.SizeV300 : AcpiHestGenericData.SizeV1;
        if ((ulong)size > remaining)
        {
            throw new CperFormatException("Failed to read error status block!",
                Say($"entry {index} at offset {offset}: a revision {Printf.HashLx(revision)} header is {size} bytes, only {remaining} left"));
        }

        // fru_text: the characters before the first NUL (each byte is one ASCII character).
        var fru = b.Slice(44, 20);
        var nul = fru.IndexOf((byte)0);
        var fruText = Encoding.ASCII.GetString(nul < 0 ? fru : fru[..nul]);
        return new AcpiHestGenericData(new Guid(b[..16]), U32(b, 16), revision, b[22], (CperSectionFlags)b[23], U32(b, 24),
            new Guid(b.Slice(28, 16)), fruText, size == AcpiHestGenericData.SizeV300 ? BinaryPrimitives.ReadUInt64LittleEndian(b.Slice(64, 8)) : 0);
    }

    // A platform memory error section: the fields its length covers, the rest zero as for the old 73-byte layout.
    private static CperSecMemErr ReadMemErr(ReadOnlySpan<byte> s, int index)
    {
        if (s.Length < CperSecMemErr.MinimumReadable)
        {
            throw new CperFormatException("error section length is too small",
                Say($"entry {index}: a memory error section of {s.Length} bytes does not reach physical_addr ({CperSecMemErr.MinimumReadable} bytes needed)"));
        }

        Span<byte> full = stackalloc byte[CperSecMemErr.Size];
        s[..Math.Min(s.Length, CperSecMemErr.Size)].CopyTo(full);
        return new CperSecMemErr((CperMemValid)U64(full, 0), U64(full, 8), U64(full, 16), U64(full, 24),
            U16(full, 32), U16(full, 34), U16(full, 36), U16(full, 38), U16(full, 40), U16(full, 42), U16(full, 44), U16(full, 46),
            U64(full, 48), U64(full, 56), U64(full, 64), full[72], full[73], U16(full, 74), U16(full, 76), U16(full, 78), (uint)s.Length);
    }

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(at, 4));

    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(at, 2));

    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.Slice(at, 8));
}
