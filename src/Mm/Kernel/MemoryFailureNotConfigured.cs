namespace KernelModel.Mm;

/// <summary>
/// CONFIG_MEMORY_FAILURE=n (include/linux/mm.h): memory_failure_queue() is an empty inline, and nothing
/// recovers a poisoned page. The machine uses this when no hwpoison handler is plugged in.
/// </summary>
public sealed class MemoryFailureNotConfigured : IMemoryFailure
{
    /// <summary>Without CONFIG_MEMORY_FAILURE there is no handler: the page is not isolated (-ENXIO, "no such handler").</summary>
    public int MemoryFailure(ulong pfn, MfFlags flags) => -Errno.ENXIO;

    /// <summary>memory_failure_queue() compiles to nothing.</summary>
    [KernelSymbol("include/linux/mm.h", "memory_failure_queue")]
    public void MemoryFailureQueue(ulong pfn, MfFlags flags)
    {
    }
}
