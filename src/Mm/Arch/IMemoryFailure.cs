namespace KernelModel.Mm;

/// <summary>
/// The memory-failure contract (include/linux/mm.h) that src/Hwpoison implements: the handler the trap
/// paths and the mm paths hand a poisoned frame to.
/// </summary>
public interface IMemoryFailure
{
    /// <summary>memory_failure(): 0 on success or a negative errno (-EHWPOISON when already poisoned).</summary>
    int MemoryFailure(ulong pfn, MfFlags flags);

    /// <summary>memory_failure_queue(): defer memory_failure to the per-CPU worker; the caller does not wait.</summary>
    void MemoryFailureQueue(ulong pfn, MfFlags flags);
}
