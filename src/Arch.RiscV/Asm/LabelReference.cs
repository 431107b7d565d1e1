namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// A label as an operand: a symbol (<c>.Ltail</c>, <c>__memcpy_mc</c>) or a numeric local label (<c>1f</c> is the
/// next definition of <c>1:</c>, <c>6b</c> the latest one), which is fixed by how many definitions of it came before.
/// </summary>
/// <param name="Text">As written.</param>
/// <param name="Name">The symbol, for a named label.</param>
/// <param name="Number">The number, for a numeric local label.</param>
/// <param name="Forward">For a numeric label: f (true) or b (false).</param>
/// <param name="DefinitionsBefore">For a numeric label: how many definitions of it preceded the reference.</param>
/// <param name="Location">Where it is referenced.</param>
internal sealed record LabelReference(string Text, string? Name, int Number, bool Forward, int DefinitionsBefore, SourceLocation Location);
