namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// What copy_mc_to_kernel does when its destination does not translate (a bad kernel pointer): with an
/// exception-table entry on the store the fault is fixed up and the copy returns a count, hiding the bug; without one
/// the kernel oopses (arch-copy-mc.md 5.5).
/// </summary>
/// <param name="Length">Bytes asked for.</param>
/// <param name="Returned">The return value, or null when the kernel died.</param>
/// <param name="Death">The oops or panic, or null.</param>
/// <param name="Site">The instruction that faulted, as the trap recorded it.</param>
/// <param name="Outcome">What the trap handler did.</param>
public sealed record DestinationFault(long Length, long? Returned, string? Death, string? Site, string? Outcome)
{
    /// <summary>One line for the report.</summary>
    public override string ToString() => Returned is { } r
        ? $"copy_mc_to_kernel({Length} bytes) to a destination outside the linear map returned {r}, no oops: the store at {Site} faulted and the trap took {Outcome}"
        : $"copy_mc_to_kernel({Length} bytes) to a destination outside the linear map killed the kernel ({Death}) at {Site}";
}
