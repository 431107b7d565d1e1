namespace KernelModel.Mm;

/// <summary>
/// The firmware-first contract (drivers/acpi/apei/ghes.c) that src/Hwpoison implements: on a synchronous
/// external abort the platform firmware has logged a CPER memory error record for the poisoned address, and
/// apei_claim_sea() asks GHES to process it there and then.
/// </summary>
public interface IGhes
{
    /// <summary>
    /// ghes_notify_sea() as apei_claim_sea() calls it: 0 when a GHES source claimed and processed the error
    /// (memory_failure queued or run as task work, SIGBUS as GHES decides), -ENOENT when nothing claimed it.
    /// </summary>
    /// <param name="cpu">The CPU that took the abort (current task, mode).</param>
    /// <param name="error">The consumed poison.</param>
    /// <param name="gateSigbusOnContext">
    /// The arm64 v14 GHES patch: SIGBUS only for a user-mode consumption, not for a kernel-mode one that the
    /// caller fixes up.
    /// </param>
    int NotifySea(Cpu cpu, HardwareErrorEvent error, bool gateSigbusOnContext);
}
