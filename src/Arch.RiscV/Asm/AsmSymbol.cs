namespace KernelModel.Arch.RiscV.Asm;

/// <summary>A symbol's binding (.globl, .weak, or neither).</summary>
public enum SymbolBinding
{
    /// <summary>File-local.</summary>
    Local,

    /// <summary>.globl.</summary>
    Global,

    /// <summary>.weak.</summary>
    Weak,
}

/// <summary>A named label or alias of the assembled text.</summary>
/// <param name="Name">The name.</param>
/// <param name="Address">Its address.</param>
/// <param name="Binding">Global, weak or local.</param>
/// <param name="IsFunction">Whether it has <c>.type name, @function</c>.</param>
/// <param name="Size">Its <c>.size</c>, or null.</param>
/// <param name="AliasOf">For <c>.set alias, name</c>: the name it stands for.</param>
/// <param name="Location">Where it is defined.</param>
public sealed record AsmSymbol(string Name, ulong Address, SymbolBinding Binding, bool IsFunction, ulong? Size, string? AliasOf, SourceLocation Location);
