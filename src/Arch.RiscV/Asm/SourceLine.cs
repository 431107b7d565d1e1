namespace KernelModel.Arch.RiscV.Asm;

/// <summary>One line of preprocessed assembler source and where it came from.</summary>
/// <param name="Location">The file and line (the first, for a line continued with a backslash).</param>
/// <param name="Text">The text after comments are removed and the preprocessor's macros expanded.</param>
public sealed record SourceLine(SourceLocation Location, string Text);
