namespace KernelModel.Mm;

/// <summary>The end of a user access.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Address">The address of the access that stopped it (the first byte not accessed), or the end when completed.</param>
/// <param name="Fault">The VM_FAULT result of the last page fault taken (0 when none failed).</param>
public sealed record UserAccessResult(UserAccessOutcome Outcome, ulong Address, VmFault Fault);
