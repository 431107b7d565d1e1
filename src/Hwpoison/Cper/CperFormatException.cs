namespace KernelModel.Hwpoison;

/// <summary>
/// A GHES error status block that GHES rejects: truncated, with inconsistent lengths, or a section too short to
/// read. <see cref="KernelWarning"/> is the firmware warning the kernel logs; the message says exactly what is wrong.
/// </summary>
public sealed class CperFormatException : FormatException
{
    /// <summary>A rejection with the kernel's warning and the model's explanation.</summary>
    public CperFormatException(string kernelWarning, string detail)
        : base(detail) => KernelWarning = kernelWarning;

    /// <summary>The warning as GHES prints it, without the "[Firmware Warn]: GHES: " prefix.</summary>
    public string KernelWarning { get; }
}
