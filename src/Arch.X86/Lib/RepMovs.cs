namespace KernelModel.Arch.X86;

/// <summary>
/// The CPU side of REP MOVSB / REP MOVSQ: the instruction moves rcx elements from rsi to rdi, and when a load
/// or store of it faults the CPU leaves rsi, rdi and rcx at the first element not moved, so the kernel's fixup
/// reads the remaining count from rcx. How far it had got is set by <see cref="FastStringProgress"/>. A piece
/// holds at least one element, so an 8-byte element whose source straddles two lines faults as a whole.
/// </summary>
internal static class RepMovs
{
    /// <summary>
    /// Runs the string move with the registers as they stand; returns false when a load or store faulted and the
    /// trap handler took the fixup (rcx then holds the elements not moved).
    /// </summary>
    public static bool Run(Cpu cpu, CodeSite load, CodeSite store, ref StringRegisters regs, int elementSize, FastStringProgress progress)
    {
        Span<byte> piece = stackalloc byte[PhysicalMemory.LineSize];
        var size = (ulong)elementSize;

        // The pieces that lie wholly inside the head no load or store can trap move in one go; the registers stand
        // where those pieces leave them, and the move goes on piece by piece from the first piece that can fault.
        var start = regs;
        var head = cpu.ForwardCopyFaultFreeLength(regs.Rdi, regs.Rsi, regs.Rcx * size);
        var moved = 0UL;
        while (regs.Rcx > 0 && Elements(regs, size, progress) is var clean && moved + (clean * size) <= head)
        {
            Advance(ref regs, clean, size);
            moved += clean * size;
        }

        if (moved != 0 && !cpu.TryCopyFast(start.Rdi, start.Rsi, moved))
        {
            regs = start;
        }

        while (regs.Rcx > 0)
        {
            var elements = Elements(regs, size, progress);
            var bytes = piece[..(int)(elements * size)];
            if (cpu.Load(load, regs.Rsi, bytes) != AccessResult.Ok || cpu.Store(store, regs.Rdi, bytes) != AccessResult.Ok)
            {
                return false;
            }

            Advance(ref regs, elements, size);
        }

        return true;
    }

    // The elements of the next piece: up to the end of the destination's line (and of the source's, when the move
    // stops at the poisoned line's start), at least one.
    private static ulong Elements(StringRegisters regs, ulong size, FastStringProgress progress)
    {
        const ulong line = PhysicalMemory.LineSize;
        var toLine = line - (regs.Rdi & (line - 1));
        if (progress == FastStringProgress.PoisonedLineStart)
        {
            toLine = Math.Min(toLine, line - (regs.Rsi & (line - 1)));
        }

        return Math.Min(regs.Rcx, Math.Max(1, toLine / size));
    }

    private static void Advance(ref StringRegisters regs, ulong elements, ulong size)
    {
        regs.Rsi += elements * size;
        regs.Rdi += elements * size;
        regs.Rcx -= elements;
    }
}
