using System.Numerics;
using System.Runtime.CompilerServices;

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
    /// trap handler took the fixup (rcx then holds the elements not moved). Elements are 1 (movsb) or 8 (movsq) bytes.
    /// </summary>
    public static bool Run(Cpu cpu, CodeSite load, CodeSite store, ref StringRegisters regs, int elementSize, FastStringProgress progress)
    {
        Span<byte> piece = stackalloc byte[PhysicalMemory.LineSize];
        var shift = BitOperations.Log2((uint)elementSize);

        // The pieces that lie wholly inside the head no load or store can trap move in one go; the registers stand
        // where those pieces leave them, and the move goes on piece by piece from the first piece that can fault.
        var head = cpu.ForwardCopyFaultFreeLength(regs.Rdi, regs.Rsi, regs.Rcx << shift);
        var (rdi, rsi, rcx, moved) = (regs.Rdi, regs.Rsi, regs.Rcx, 0UL);
        while (rcx > 0)
        {
            var elements = Elements(rdi, rsi, rcx, shift, progress);
            var bytes = elements << shift;
            if (moved + bytes > head)
            {
                break;
            }

            (rdi, rsi, rcx, moved) = (rdi + bytes, rsi + bytes, rcx - elements, moved + bytes);
        }

        if (moved != 0 && cpu.TryCopyFast(regs.Rdi, regs.Rsi, moved))
        {
            regs = new StringRegisters(rdi, rsi, rcx);
        }

        while (regs.Rcx > 0)
        {
            var elements = Elements(regs.Rdi, regs.Rsi, regs.Rcx, shift, progress);
            var bytes = piece[..(int)(elements << shift)];
            if (cpu.Load(load, regs.Rsi, bytes) != AccessResult.Ok || cpu.Store(store, regs.Rdi, bytes) != AccessResult.Ok)
            {
                return false;
            }

            Advance(ref regs, elements, shift);
        }

        return true;
    }

    // The elements of the next piece: up to the end of the destination's line (and of the source's, when the move
    // stops at the poisoned line's start), at least one.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Elements(ulong rdi, ulong rsi, ulong rcx, int shift, FastStringProgress progress)
    {
        const ulong line = PhysicalMemory.LineSize;
        var toLine = line - (rdi & (line - 1));
        if (progress == FastStringProgress.PoisonedLineStart)
        {
            toLine = Math.Min(toLine, line - (rsi & (line - 1)));
        }

        return Math.Min(rcx, Math.Max(1, toLine >> shift));
    }

    private static void Advance(ref StringRegisters regs, ulong elements, int shift)
    {
        regs.Rsi += elements << shift;
        regs.Rdi += elements << shift;
        regs.Rcx -= elements;
    }
}
