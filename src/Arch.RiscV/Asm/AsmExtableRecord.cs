namespace KernelModel.Arch.RiscV.Asm;

/// <summary>One assembled exception-table entry: the instruction it covers, where its fixup resumes, type and data.</summary>
/// <param name="Instruction">The covered instruction.</param>
/// <param name="Fixup">The instruction at the fixup label.</param>
/// <param name="FixupLabel">The fixup label as written (<c>6f</c>).</param>
/// <param name="TypeValue">The EX_TYPE_* value.</param>
/// <param name="TypeName">Its name in <see cref="RiscVExtableTypes"/>.</param>
/// <param name="Data">The entry's data field.</param>
/// <param name="Location">The source line that made it (outside any macro: for the template, the LOAD_B or STORE_B line).</param>
public sealed record AsmExtableRecord(AsmInstruction Instruction, AsmInstruction Fixup, string FixupLabel, int TypeValue, string TypeName, int Data, SourceLocation Location)
{
    /// <summary>What the fixup does, for <see cref="KernelModel.Mm.ExtableEntry.Fixup"/>: <c>6f: memcpy_mc.S:53 move a0, a2</c>.</summary>
    public string FixupDescription => $"{FixupLabel}: {Fixup}";
}
