namespace KernelModel.Arch.X86;

/// <summary>
/// What rcx holds after a REP MOVS is interrupted by a machine check or a page fault. The kernel trusts the CPU:
/// copy_mc_enhanced_fast_string's fixup returns rcx, which the in-code comment says is updated so the copy could
/// be restarted at the fault position. How far a fast-string move had got is micro-architectural and not
/// documented per CPU, so the model names its assumption here (arch-copy-mc.md section 2.3, section 7).
/// </summary>
public enum FastStringProgress
{
    /// <summary>
    /// The move proceeds in pieces that never cross a 64-byte line of either buffer, so a poisoned source line
    /// is touched only by the piece that starts on its first byte: rcx stops exactly at the poisoned line's start
    /// (and a destination fault exactly at the faulting page's start).
    /// </summary>
    PoisonedLineStart,

    /// <summary>
    /// The move proceeds in pieces of one destination line each (as a fast-string engine that writes whole
    /// destination lines). When source and destination differ modulo 64 a piece's load straddles two source
    /// lines, so a poisoned line stops the move at the start of the destination line whose load touched it:
    /// up to 63 clean bytes before the poisoned line are reported as not copied.
    /// </summary>
    DestinationLineStart,
}
