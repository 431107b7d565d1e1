namespace KernelModel.Mm;

/// <summary>What kind of synchronous exception a trap record is about.</summary>
public enum TrapKind
{
    /// <summary>A hardware memory error on a load.</summary>
    HardwareError,

    /// <summary>A translation or permission fault.</summary>
    PageFault,
}

/// <summary>How the architecture's handler disposed of a trap.</summary>
public enum TrapOutcome
{
    /// <summary>Kernel mode: the exception-table fixup was taken; the routine resumes at its fixup label.</summary>
    Fixup,

    /// <summary>User mode: the error was handed to memory_failure / a signal; the access did not complete.</summary>
    UserHandled,

    /// <summary>The kernel died (oops or panic); the current kernel path does not continue.</summary>
    Died,
}

/// <summary>One trap as the machine recorded it, for reports and the <c>kmodel copy</c> trace.</summary>
/// <param name="Kind">Hardware error or page fault.</param>
/// <param name="Site">The instruction.</param>
/// <param name="VirtualAddress">The address accessed.</param>
/// <param name="PhysicalAddress">The poisoned address for a hardware error, else null.</param>
/// <param name="Mode">CPU mode.</param>
/// <param name="Outcome">What the handler did.</param>
/// <param name="Detail">The handler's reason, e.g. "extable EX_TYPE_FIXUP -> 6f".</param>
public sealed record TrapEvent(TrapKind Kind, CodeSite Site, ulong VirtualAddress, ulong? PhysicalAddress, CpuMode Mode, TrapOutcome Outcome, string Detail);
