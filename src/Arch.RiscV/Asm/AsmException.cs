namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// A patch that cannot be read, preprocessed, assembled or executed: the message starts with <c>file:line:</c>
/// (of the patch or of the source file) and names what was wrong. It is bad input, so kmodel prints it and exits 2.
/// </summary>
public sealed class AsmException : ArgumentException
{
    /// <summary>An error at a source location.</summary>
    public AsmException(SourceLocation location, string detail)
        : base($"{location}: {detail}")
    {
        Location = location;
        Detail = detail;
    }

    /// <summary>Where the error is.</summary>
    public SourceLocation Location { get; }

    /// <summary>The message without the location.</summary>
    public string Detail { get; }
}
