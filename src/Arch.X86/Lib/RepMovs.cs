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
        const ulong line = PhysicalMemory.LineSize;
        Span<byte> piece = stackalloc byte[PhysicalMemory.LineSize];
        var size = (ulong)elementSize;
        while (regs.Rcx > 0)
        {
            var toLine = line - (regs.Rdi & (line - 1));
            if (progress == FastStringProgress.PoisonedLineStart)
            {
                toLine = Math.Min(toLine, line - (regs.Rsi & (line - 1)));
            }

            var elements = Math.Min(regs.Rcx, Math.Max(1, toLine / size));
            var bytes = piece[..(int)(elements * size)];
            if (cpu.Load(load, regs.Rsi, bytes) != AccessResult.Ok || cpu.Store(store, regs.Rdi, bytes) != AccessResult.Ok)
            {
                return false;
            }

            regs.Rsi += elements * size;
            regs.Rdi += elements * size;
            regs.Rcx -= elements;
        }

        return true;
    }
}
