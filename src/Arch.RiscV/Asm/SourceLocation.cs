namespace KernelModel.Arch.RiscV.Asm;

/// <summary>A line of a source file: its path in the kernel tree (or the model's header name) and its 1-based line number.</summary>
/// <param name="File">The path, e.g. <c>arch/riscv/lib/memcpy_mc.S</c>.</param>
/// <param name="Line">The line, counted from 1.</param>
public readonly record struct SourceLocation(string File, int Line)
{
    /// <summary><c>file:line</c>, as compilers print it.</summary>
    public override string ToString() => $"{File}:{Line}";
}
