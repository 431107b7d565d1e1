namespace KernelModel.Mm;

/// <summary>
/// What one copy did: the value returned, how many leading destination bytes equal the source (stored), the
/// first poisoned source byte, whether the kernel died, the traps taken, and whether the copy_mc contract held.
/// </summary>
/// <param name="Routine">The routine's kernel name.</param>
/// <param name="Case">The copy.</param>
/// <param name="Returned">The return value (0 when the kernel died).</param>
/// <param name="Stored">Length of the destination prefix equal to the source.</param>
/// <param name="FirstPoison">Offset of the first poisoned source byte inside the copy, or null.</param>
/// <param name="Died">Whether the kernel died (oops or panic).</param>
/// <param name="Panicked">Whether the machine panicked.</param>
/// <param name="DeathMessage">The panic message or oops summary.</param>
/// <param name="Traps">The traps taken.</param>
/// <param name="OutsideUntouched">Whether nothing around the destination was written.</param>
/// <param name="Violation">Why the contract does not hold, or null when it does.</param>
public sealed record CopyProbeResult(string Routine, CopyCase Case, long Returned, long Stored, long? FirstPoison, bool Died, bool Panicked,
    string? DeathMessage, IReadOnlyList<TrapEvent> Traps, bool OutsideUntouched, string? Violation)
{
    /// <summary>Whether the architecture's copy_mc contract held.</summary>
    public bool ContractOk => Violation is null;
}
