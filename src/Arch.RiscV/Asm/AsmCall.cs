namespace KernelModel.Arch.RiscV.Asm;

/// <summary>How one call of an assembled routine ended.</summary>
/// <param name="A0">a0 at <c>ret</c>: the return value.</param>
/// <param name="Registers">All 32 registers at <c>ret</c>.</param>
/// <param name="Faults">The loads and stores that trapped and were fixed up, in order.</param>
/// <param name="Steps">Instructions executed.</param>
/// <param name="MisalignedAccesses">Loads and stores whose address was not a multiple of their size (only those can straddle a 64-byte line).</param>
public sealed record AsmCall(ulong A0, IReadOnlyList<ulong> Registers, IReadOnlyList<AsmFault> Faults, long Steps, int MisalignedAccesses);
