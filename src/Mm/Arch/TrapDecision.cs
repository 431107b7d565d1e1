namespace KernelModel.Mm;

/// <summary>What a trap handler decided, and why, in the handler's own terms.</summary>
/// <param name="Outcome">Fixup or handled in user mode (a handler that kills the kernel does not return).</param>
/// <param name="Detail">Why, e.g. "extable EX_TYPE_FIXUP -> 6f".</param>
public readonly record struct TrapDecision(TrapOutcome Outcome, string Detail)
{
    /// <summary>The exception-table fixup is taken.</summary>
    public static TrapDecision Fixup(ExtableEntry entry) => new(TrapOutcome.Fixup, $"extable {entry.Type} -> {entry.Fixup}");

    /// <summary>A user-mode error went to memory_failure and signals.</summary>
    public static TrapDecision UserHandled(string detail) => new(TrapOutcome.UserHandled, detail);
}
