namespace KernelModel.Hwpoison;

/// <summary>How an error source tells the OS about a record (the HEST notification type).</summary>
public enum GhesNotify
{
    /// <summary>ACPI_HEST_NOTIFY_SEA: the arm64 synchronous external abort; errors are synchronous.</summary>
    Sea,

    /// <summary>An asynchronous notification (SCI, GSIV, SDEI): errors are handled later, never action-required.</summary>
    Async,
}
