namespace KernelModel.Mm;

/// <summary>How one load or store through a CPU's memory port ended.</summary>
public enum AccessResult
{
    /// <summary>The access completed.</summary>
    Ok,

    /// <summary>Kernel mode: the access trapped and the exception-table fixup was taken; continue at the fixup label.</summary>
    Fixup,

    /// <summary>User mode: the access trapped (poison consumed) and the error went to memory_failure / a signal.</summary>
    UserTrapped,

    /// <summary>User mode: the address is not mapped for this access; the caller runs the page fault handler.</summary>
    UserPageFault,
}
