using System.Buffers.Binary;

namespace KernelModel.Hwpoison.Tests;

/// <summary>CPER error status blocks: the layout firmware writes, and every way GHES refuses a bad one.</summary>
public sealed class CperDecoderTests
{
    private const uint BlockLength = 4096;

    private static byte[] Record(CperSeverity severity = CperSeverity.Recoverable, CperSectionFlags flags = CperSectionFlags.Primary) =>
        CperRecordBuilder.PlatformMemoryError(0x12345678, 1, severity, CperRecordBuilder.StatusPoisonedRead, flags);

    private static CperFormatException Rejected(byte[] bytes) => Assert.Throws<CperFormatException>(() => CperDecoder.Decode(bytes, BlockLength));

    [Fact]
    public void FirmwareRecord_DecodesToTheFieldsItWasBuiltWith()
    {
        var bytes = Record();

        var record = CperDecoder.Decode(bytes, BlockLength)!;

        Assert.Equal(20 + 72 + 80, bytes.Length);
        Assert.Equal(new AcpiHestGenericStatus(0x11, 0, 0, 152, 0), record.Status);
        var section = Assert.IsType<CperMemorySection>(Assert.Single(record.Sections));
        Assert.Equal(Guid.Parse("a5bc1114-6f64-4ede-b863-3e83ed7c83b1"), section.Header.SectionType);
        Assert.Equal((0u, (ushort)0x300, CperSectionFlags.Primary, 80u, 72), (section.Header.ErrorSeverity, section.Header.Revision, section.Header.Flags, section.Header.ErrorDataLength, section.Header.HeaderSize));
        var mem = section.MemErr;
        Assert.Equal(CperMemValid.ErrorStatus | CperMemValid.Pa | CperMemValid.PaMask | CperMemValid.Node | CperMemValid.ErrorType, mem.ValidationBits);
        Assert.Equal(0x400fUL, (ulong)mem.ValidationBits);
        Assert.Equal((0x1a00UL, 0x12345678UL, 0xffffffffffffffc0UL, (ushort)1, (byte)3), (mem.ErrorStatus, mem.PhysicalAddr, mem.PhysicalAddrMask, mem.Node, mem.ErrorType));
        Assert.Equal("A read was issued to data that has been poisoned", CperStrings.MemErrStatus(mem.ErrorStatus));
        Assert.Equal("multi-bit ECC", CperStrings.MemErrType(mem.ErrorType));
        Assert.Equal(bytes, record.Bytes);
    }

    [Fact]
    public void GuidBytes_AreLaidOutAsGuidTInMemory()
    {
        Assert.Equal([0x14, 0x11, 0xbc, 0xa5, 0x64, 0x6f, 0xde, 0x4e, 0xb8, 0x63, 0x3e, 0x83, 0xed, 0x7c, 0x83, 0xb1], Record()[20..36]);
    }

    [Fact]
    public void OldLayoutSectionWithRevision1Header_DecodesThroughErrorType()
    {
        var b = new byte[20 + 64 + 73];
        BinaryPrimitives.WriteUInt32LittleEndian(b, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 64 + 73);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), (uint)CperSeverity.Corrected);
        CperGuids.PlatformMem.TryWriteBytes(b.AsSpan(20));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(36), (uint)CperSeverity.Corrected);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(40), 0x0201);
        b[43] = (byte)(CperSectionFlags.Primary | CperSectionFlags.ErrorThresholdExceeded);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(44), 73);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(84), (ulong)(CperMemValid.Pa | CperMemValid.ErrorType));
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(100), 0xabc000);
        b[84 + 72] = 2;

        var section = Assert.IsType<CperMemorySection>(Assert.Single(CperDecoder.Decode(b, BlockLength)!.Sections));

        Assert.Equal(64, section.Header.HeaderSize);
        Assert.True(section.Header.Flags.HasFlag(CperSectionFlags.ErrorThresholdExceeded));
        Assert.Equal((0xabc000UL, (byte)2, 73u, (ushort)0), (section.MemErr.PhysicalAddr, section.MemErr.ErrorType, section.MemErr.Length, section.MemErr.Rank));
    }

    [Fact]
    public void BlockStatusZero_MeansNoErrorRecorded()
    {
        var b = Record();
        BinaryPrimitives.WriteUInt32LittleEndian(b, 0);

        Assert.Null(CperDecoder.Decode(b, BlockLength));
    }

    [Fact]
    public void ShorterThanTheHeader_Truncated()
    {
        var e = Rejected(Record()[..12]);

        Assert.Equal("Truncated error status block!", e.KernelWarning);
        Assert.Equal("the record is 12 bytes; the error status block header alone is 20", e.Message);
    }

    [Fact]
    public void LongerThanTheErrorBlock_InvalidLength()
    {
        var b = Record();
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 8000);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 16);

        var e = Rejected(b);

        Assert.Equal("Invalid error status block length!", e.KernelWarning);
        Assert.Contains("8016", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataLengthShorterThanAnEntry_InvalidCperHeader()
    {
        var b = Record();
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 10);

        Assert.Equal("Invalid CPER header!", Rejected(b).KernelWarning);
    }

    [Fact]
    public void RawDataOverlappingTheEntries_InvalidCperHeader()
    {
        var b = Record();
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 100);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 8);

        Assert.Equal("Invalid CPER header!", Rejected(b).KernelWarning);
    }

    [Fact]
    public void RecordCutShort_FailedToRead()
    {
        var e = Rejected(Record()[..100]);

        Assert.Equal("Failed to read error status block!", e.KernelWarning);
        Assert.Equal("the block declares 172 bytes but the record has only 100", e.Message);
    }

    [Fact]
    public void EntryLongerThanDataLength_FailedToRead()
    {
        var b = Record();
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(44), 200);

        var e = Rejected(b);

        Assert.Equal("Failed to read error status block!", e.KernelWarning);
        Assert.Equal("entry 0 at offset 20: header 72 + error_data_length 200 exceeds the 152 bytes left of data_length", e.Message);
    }

    [Fact]
    public void TrailingBytesAfterTheEntries_FailedToRead()
    {
        var b = new byte[Record().Length + 30];
        Record().CopyTo(b, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 152 + 30);

        Assert.Equal("Failed to read error status block!", Rejected(b).KernelWarning);
    }

    [Fact]
    public void MemorySectionTooShortForTheAddress_Rejected()
    {
        var b = Record();
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 72 + 16);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(44), 16);

        var e = Rejected(b[..(20 + 72 + 16)]);

        Assert.Equal("error section length is too small", e.KernelWarning);
    }

    [Fact]
    public void Printer_FormatsAsCperEstatusPrint()
    {
        var record = CperDecoder.Decode(Record(CperSeverity.Corrected), BlockLength)!;

        Assert.Equal(
        [
            "P: It has been corrected by h/w and requires no further action",
            "P: event severity: corrected",
            "P:  Error 0, type: corrected",
            "P:   section_type: memory error",
            "P:    error_status: A read was issued to data that has been poisoned (0x0000000000001a00)",
            "P:   physical_address: 0x0000000012345678",
            "P:   physical_address_mask: 0xffffffffffffffc0",
            "P:   node:1 ",
            "P:   error_type: 2, single-bit ECC",
        ], CperPrinter.EstatusPrint("P: ", record));
    }
}
