using System.Globalization;
using System.Text;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// cper_estatus_print() (drivers/firmware/efi/cper.c): the console lines of an error status block, each after the
/// caller's prefix, sections indented one more space per level, exactly as the kernel spaces them.
/// </summary>
public static class CperPrinter
{
    /// <summary>The lines, each starting with <paramref name="pfx"/>.</summary>
    [KernelSymbol("drivers/firmware/efi/cper.c", "cper_estatus_print")]
    public static IReadOnlyList<string> EstatusPrint(string pfx, CperRecord record)
    {
        var lines = new List<string>();
        var severity = record.Status.ErrorSeverity;
        if (severity == (uint)CperSeverity.Corrected)
        {
            lines.Add(pfx + "It has been corrected by h/w and requires no further action");
        }

        lines.Add(pfx + "event severity: " + CperStrings.Severity(severity));
        for (var i = 0; i < record.Sections.Count; i++)
        {
            PrintSection(lines, pfx + " ", record.Sections[i], i);
        }

        return lines;
    }

    // cper_estatus_print_section().
    [KernelSymbol("drivers/firmware/efi/cper.c", "cper_estatus_print_section")]
    private static void PrintSection(List<string> lines, string pfx, CperSection section, int secNo)
    {
        var g = section.Header;
        if (g.HeaderSize == AcpiHestGenericData.SizeV300 && (g.ValidationBits & CperDecoder.ValidTimestamp) != 0)
        {
            lines.Add(pfx + Timestamp(g.TimeStamp));
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"{pfx}Error {secNo}, type: {CperStrings.Severity(g.ErrorSeverity)}"));
        if ((g.ValidationBits & AcpiHestGenericData.ValidFruId) != 0)
        {
            lines.Add(pfx + "fru_id: " + g.FruId.ToString("D", CultureInfo.InvariantCulture));
        }

        if ((g.ValidationBits & AcpiHestGenericData.ValidFruText) != 0)
        {
            lines.Add(pfx + "fru_text: " + g.FruText);
        }

        var newpfx = pfx + " ";
        switch (section)
        {
            case CperMemorySection mem:
                lines.Add(newpfx + "section_type: memory error");
                if (g.ErrorDataLength >= CperSecMemErr.OldSize)
                {
                    PrintMem(lines, newpfx, mem.MemErr);
                }
                else
                {
                    lines.Add("[Firmware Warn]: error section length is too small");
                }

                break;
            case CperOtherSection other:
                lines.Add(newpfx + "section type: unknown, " + g.SectionType.ToString("D", CultureInfo.InvariantCulture));
                lines.Add(newpfx + "section length: " + Printf.HashLx(g.ErrorDataLength));
                lines.AddRange(HexDump(newpfx, other.Payload));
                break;
        }
    }

    // cper_print_mem().
    [KernelSymbol("drivers/firmware/efi/cper.c", "cper_print_mem")]
    private static void PrintMem(List<string> lines, string pfx, CperSecMemErr mem)
    {
        var v = mem.ValidationBits;
        if (mem.Length == CperSecMemErr.OldSize && ((ulong)v & ~((ulong)CperMemValid.RankNumber - 1)) != 0)
        {
            lines.Add("[Firmware Warn]: valid bits set for fields beyond structure");
            return;
        }

        if (v.HasFlag(CperMemValid.ErrorStatus))
        {
            lines.Add($"{pfx} error_status: {CperStrings.MemErrStatus(mem.ErrorStatus)} (0x{mem.ErrorStatus:x16})");
        }

        if (v.HasFlag(CperMemValid.Pa))
        {
            lines.Add($"{pfx}physical_address: 0x{mem.PhysicalAddr:x16}");
        }

        if (v.HasFlag(CperMemValid.PaMask))
        {
            lines.Add($"{pfx}physical_address_mask: 0x{mem.PhysicalAddrMask:x16}");
        }

        if (MemErrLocation(mem) is { Length: > 0 } location)
        {
            lines.Add(pfx + location);
        }

        if (v.HasFlag(CperMemValid.ErrorType))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{pfx}error_type: {mem.ErrorType}, {CperStrings.MemErrType(mem.ErrorType)}"));
        }

        if (v.HasFlag(CperMemValid.ModuleHandle))
        {
            lines.Add(pfx + string.Create(CultureInfo.InvariantCulture, $"DIMM location: not present. DMI handle: 0x{mem.MemDevHandle:x4} "));
        }
    }

    /// <summary>cper_mem_err_location(): "node:%d card:%d ..." for the valid location fields, each followed by a space.</summary>
    [KernelSymbol("drivers/firmware/efi/cper.c", "cper_mem_err_location")]
    public static string MemErrLocation(CperSecMemErr mem)
    {
        var v = mem.ValidationBits;
        var s = new StringBuilder();
        void Add(CperMemValid bit, FormattableString text)
        {
            if ((v & bit) != 0)
            {
                s.Append(text.ToString(CultureInfo.InvariantCulture));
            }
        }

        Add(CperMemValid.Node, $"node:{mem.Node} ");
        Add(CperMemValid.Card, $"card:{mem.Card} ");
        Add(CperMemValid.Module, $"module:{mem.Module} ");
        Add(CperMemValid.RankNumber, $"rank:{mem.Rank} ");
        Add(CperMemValid.Bank, $"bank:{mem.Bank} ");
        Add(CperMemValid.BankGroup, $"bank_group:{mem.Bank >> 8} ");
        Add(CperMemValid.BankAddress, $"bank_address:{mem.Bank & 0xff} ");
        Add(CperMemValid.Device, $"device:{mem.Device} ");
        if ((v & (CperMemValid.Row | CperMemValid.RowExt)) != 0)
        {
            var row = mem.Row | ((v & CperMemValid.RowExt) != 0 ? (mem.Extended & 0x3) << 16 : 0);
            s.Append(string.Create(CultureInfo.InvariantCulture, $"row:{row} "));
        }

        Add(CperMemValid.Column, $"column:{mem.Column} ");
        Add(CperMemValid.BitPosition, $"bit_position:{mem.BitPos} ");
        Add(CperMemValid.RequestorId, $"requestor_id:0x{mem.RequestorId:x16} ");
        Add(CperMemValid.ResponderId, $"responder_id:0x{mem.ResponderId:x16} ");
        Add(CperMemValid.TargetId, $"target_id:0x{mem.TargetId:x16} ");
        Add(CperMemValid.ChipId, $"chip_id:{mem.Extended >> 5} ");
        return s.ToString();
    }

    // cper_print_tstamp(): BCD fields.
    [KernelSymbol("drivers/firmware/efi/cper.c", "cper_print_tstamp")]
    private static string Timestamp(ulong ts)
    {
        static int Bcd(ulong b) => (int)((b >> 4) * 10 + (b & 0xf));
        var bytes = BitConverter.GetBytes(ts);
        return string.Create(CultureInfo.InvariantCulture,
            $"{((bytes[3] & 1) != 0 ? "precise " : "imprecise ")}tstamp: {Bcd(bytes[7]):D2}{Bcd(bytes[6]):D2}-{Bcd(bytes[5]):D2}-{Bcd(bytes[4]):D2} {Bcd(bytes[2]):D2}:{Bcd(bytes[1]):D2}:{Bcd(bytes[0]):D2}");
    }

    // print_hex_dump(pfx, "", DUMP_PREFIX_OFFSET, 16, 4, buf, len, true): 32-bit little-endian words and the ASCII column.
    [KernelSymbol("lib/hexdump.c", "print_hex_dump")]
    private static IEnumerable<string> HexDump(string pfx, byte[] buf)
    {
        for (var off = 0; off < buf.Length; off += 16)
        {
            var row = buf.AsSpan(off, Math.Min(16, buf.Length - off));
            var hex = new StringBuilder();
            if (row.Length % 4 == 0)
            {
                for (var w = 0; w < row.Length; w += 4)
                {
                    hex.Append(w == 0 ? string.Empty : " ").Append(BitConverter.ToUInt32(row.Slice(w, 4)).ToString("x8", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                for (var i = 0; i < row.Length; i++)
                {
                    hex.Append(i == 0 ? string.Empty : " ").Append(row[i].ToString("x2", CultureInfo.InvariantCulture));
                }
            }

            var ascii = new string(row.ToArray().Select(c => c is >= 0x20 and < 0x7f ? (char)c : '.').ToArray());
            yield return string.Create(CultureInfo.InvariantCulture, $"{pfx}{off:x8}: {hex.ToString().PadRight(35)}  {ascii}");
        }
    }
}
