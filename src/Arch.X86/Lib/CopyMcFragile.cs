namespace KernelModel.Arch.X86;

/// <summary>
/// copy_mc_fragile (arch/x86/lib/copy_mc_64.S) as its state machine. Registers: rdi = dst, rsi = src, edx =
/// count (32-bit), ecx = the phase counter, eax = the return value. Under 8 bytes it goes straight to the
/// trailing bytes; otherwise it copies leading bytes until rsi is 8-aligned (ecx = the leading count, edx
/// already reduced by it), then 8-byte words (ecx = edx/8, edx = edx&amp;7), then trailing bytes (ecx = edx).
/// A read fault returns exactly the bytes from the faulting load on: ecx+edx, ecx*8+edx or ecx. Loads never
/// straddle a line (the source is 8-aligned for the words and poison is line-aligned), so no tail probe is
/// needed for reads. A write fault in the word loop (copy_mc_to_user) re-copies byte by byte in
/// copy_mc_fragile_handle_tail until one byte fails.
/// </summary>
public sealed class CopyMcFragile(Machine machine)
{
    /// <summary>.L_read_leading_bytes: movb (%rsi),%al.</summary>
    public static readonly CodeSite ReadLeadingBytes = new("copy_mc_fragile", ".L_read_leading_bytes: movb (%rsi),%al", SiteAccess.Load);

    /// <summary>.L_write_leading_bytes: movb %al,(%rdi).</summary>
    public static readonly CodeSite WriteLeadingBytes = new("copy_mc_fragile", ".L_write_leading_bytes: movb %al,(%rdi)", SiteAccess.Store);

    /// <summary>.L_read_words: movq (%rsi),%r8.</summary>
    public static readonly CodeSite ReadWords = new("copy_mc_fragile", ".L_read_words: movq (%rsi),%r8", SiteAccess.Load);

    /// <summary>.L_write_words: movq %r8,(%rdi).</summary>
    public static readonly CodeSite WriteWords = new("copy_mc_fragile", ".L_write_words: movq %r8,(%rdi)", SiteAccess.Store);

    /// <summary>.L_read_trailing_bytes: movb (%rsi),%al.</summary>
    public static readonly CodeSite ReadTrailingBytes = new("copy_mc_fragile", ".L_read_trailing_bytes: movb (%rsi),%al", SiteAccess.Load);

    /// <summary>.L_write_trailing_bytes: movb %al,(%rdi).</summary>
    public static readonly CodeSite WriteTrailingBytes = new("copy_mc_fragile", ".L_write_trailing_bytes: movb %al,(%rdi)", SiteAccess.Store);

    /// <summary>The six entries, in the order copy_mc_64.S lists them: reads MCE-safe, writes plain _ASM_EXTABLE.</summary>
    [KernelSymbol("arch/x86/lib/copy_mc_64.S", "copy_mc_fragile")]
    public static ExceptionTable Extable { get; } = new(
    [
        X86Extable.Entry(ReadLeadingBytes, ExType.DefaultMceSafe, ".E_leading_bytes: return ecx + edx"),
        X86Extable.Entry(ReadWords, ExType.DefaultMceSafe, ".E_read_words: return ecx * 8 + edx"),
        X86Extable.Entry(ReadTrailingBytes, ExType.DefaultMceSafe, ".E_trailing_bytes: return ecx"),
        X86Extable.Entry(WriteLeadingBytes, ExType.Default, ".E_leading_bytes: return ecx + edx"),
        X86Extable.Entry(WriteWords, ExType.Default, ".E_write_words: copy_mc_fragile_handle_tail(rdi, rsi, ecx * 8 + edx)"),
        X86Extable.Entry(WriteTrailingBytes, ExType.Default, ".E_trailing_bytes: return ecx"),
    ]);

    /// <summary>The instructions at the sites.</summary>
    public static IReadOnlyList<X86Instruction> Instructions { get; } =
    [
        new(ReadLeadingBytes, X86Instruction.MovLoad8, "movb (%rsi),%al"),
        new(WriteLeadingBytes, X86Instruction.MovStore8, "movb %al,(%rdi)"),
        new(ReadWords, X86Instruction.MovLoad, "movq (%rsi),%r8"),
        new(WriteWords, X86Instruction.MovStore, "movq %r8,(%rdi)"),
        new(ReadTrailingBytes, X86Instruction.MovLoad8, "movb (%rsi),%al"),
        new(WriteTrailingBytes, X86Instruction.MovStore8, "movb %al,(%rdi)"),
    ];

    /// <summary>copy_mc_fragile(dst, src, len): 0, or exactly the bytes not copied.</summary>
    [KernelSymbol("arch/x86/lib/copy_mc_64.S", "copy_mc_fragile")]
    public ulong Copy(ulong dst, ulong src, uint len)
    {
        var cpu = machine.CurrentCpu;
        return cpu.TryCopyFast(dst, src, len) ? 0 : Run(cpu, dst, src, len);
    }

    // The routine access by access (the fast path's stack buffer and frame stay out of the clean copy).
    private ulong Run(Cpu cpu, ulong dst, ulong src, uint len)
    {
        var rdi = dst;
        var rsi = src;
        var edx = len;
        uint ecx;
        Span<byte> r8 = stackalloc byte[8];
        var al = r8[..1];
        if (edx >= 8)
        {
            if ((rsi & 7) != 0)
            {
                ecx = 8 - (uint)(rsi & 7);
                edx -= ecx;
                do
                {
                    if (cpu.Load(ReadLeadingBytes, rsi, al) != AccessResult.Ok || cpu.Store(WriteLeadingBytes, rdi, al) != AccessResult.Ok)
                    {
                        return ecx + edx;
                    }

                    rsi++;
                    rdi++;
                    ecx--;
                }
                while (ecx != 0);
            }

            ecx = edx >> 3;
            edx &= 7;

            // The words before the first one whose load or store can trap move in one go (the memory their movq pairs
            // leave, rsi and rdi advanced, ecx counted down); the loop runs from the first one that can.
            var head = cpu.CopyFastHead(rdi, rsi, (ulong)ecx << 3, 8);
            rsi += head;
            rdi += head;
            ecx -= (uint)(head >> 3);
            for (; ecx != 0; ecx--)
            {
                if (cpu.Load(ReadWords, rsi, r8) != AccessResult.Ok)
                {
                    return (ecx << 3) + edx;
                }

                if (cpu.Store(WriteWords, rdi, r8) != AccessResult.Ok)
                {
                    return HandleTail(rdi, rsi, (ecx << 3) + edx);
                }

                rsi += 8;
                rdi += 8;
            }
        }

        // .L_no_whole_words
        for (ecx = edx; ecx != 0; ecx--)
        {
            if (cpu.Load(ReadTrailingBytes, rsi, al) != AccessResult.Ok || cpu.Store(WriteTrailingBytes, rdi, al) != AccessResult.Ok)
            {
                return ecx;
            }

            rsi++;
            rdi++;
        }

        return 0;
    }

    /// <summary>
    /// copy_mc_fragile_handle_tail(to, from, len) (arch/x86/lib/copy_mc.c): probes for the write-fault point (or a
    /// source exception) one byte at a time, each byte through copy_mc_fragile(to, from, 1); returns the bytes left.
    /// </summary>
    [KernelSymbol("arch/x86/lib/copy_mc.c", "copy_mc_fragile_handle_tail")]
    public ulong HandleTail(ulong to, ulong from, uint len)
    {
        for (; len != 0; --len, to++, from++)
        {
            if (Copy(to, from, 1) != 0)
            {
                break;
            }
        }

        return len;
    }
}
