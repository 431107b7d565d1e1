namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// A load or store that trapped and was fixed up while the routine ran: which instruction, at which address, in which
/// phase (the named label region it lies in), whether it was the phase's first memory access, and how many bytes the
/// phase had stored before it (what a phase-entry count such as the template's a2 over-states by).
/// </summary>
/// <param name="Instruction">The trapping load or store.</param>
/// <param name="Address">The virtual address it accessed.</param>
/// <param name="FirstAccessOfPhase">Whether no load or store of the phase ran before it.</param>
/// <param name="BytesStoredInPhase">Bytes the phase stored before the fault.</param>
/// <param name="Fixup">Where execution resumed.</param>
public sealed record AsmFault(AsmInstruction Instruction, ulong Address, bool FirstAccessOfPhase, long BytesStoredInPhase, AsmInstruction Fixup)
{
    /// <summary>The phase: the nearest named label before the instruction.</summary>
    public string Phase => Instruction.Region;
}
