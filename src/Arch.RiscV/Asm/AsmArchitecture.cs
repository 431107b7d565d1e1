
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// A patch's assembled copy routine as an architecture: copy_mc_to_kernel executes it, its exception table is the
/// assembled one, and its trap is the RISC-V trap built over that table, so <see cref="CopyProbe"/> and
/// <see cref="CopyContractGrid"/> run the patch's own code against the copy_mc contract.
/// </summary>
public sealed class AsmArchitecture : IArchitecture
{
    /// <summary>Builds the architecture for a machine.</summary>
    /// <param name="machine">The machine it runs on.</param>
    /// <param name="routine">The assembled routine copy_mc_to_kernel calls.</param>
    /// <param name="trap">Builds the architecture's trap over the assembled exception table (the RISC-V trap path).</param>
    public AsmArchitecture(Machine machine, AsmRoutine routine, Func<Machine, ExceptionTable, IArchTrap> trap)
    {
        var target = routine.Program.Target;
        var copy = new AsmCopyMc(machine, routine);
        CopyMc = copy;
        Extable = routine.Program.ExceptionTable;
        Trap = trap(machine, Extable);
        PageOffset = target.PageOffset;
        TaskSize = target.TaskSize;
        Name = $"{routine.Name} (patch, RV{target.Xlen})";
        CopyRoutines =
        [
            new CopyRoutine("copy_mc_to_kernel", false, false, CopyReturnKind.BytesNotCopied, copy.HasArchCopyMc, (d, s, n) => (long)copy.CopyMcToKernel(d, s, n)),
        ];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The executed copy.</summary>
    public AsmCopyMc AsmCopy => (AsmCopyMc)CopyMc;

    /// <inheritdoc />
    public IArchCopyMc CopyMc { get; }

    /// <inheritdoc />
    public IArchTrap Trap { get; }

    /// <summary>
    /// The uaccess routines are not part of the patch (arch/riscv/lib/uaccess.S is unchanged), so the assembled
    /// architecture has none; like copy_mc_to_user it runs copy_mc_to_kernel only.
    /// </summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public IArchUaccess Uaccess => throw new InvalidOperationException("the uaccess routines (arch/riscv/lib/uaccess.S) are not part of the patch; the assembled architecture runs copy_mc_to_kernel only");

    /// <inheritdoc />
    public ExceptionTable Extable { get; }

    /// <inheritdoc />
    public IReadOnlyList<CopyRoutine> CopyRoutines { get; }

    /// <inheritdoc />
    public ulong PageOffset { get; }

    /// <inheritdoc />
    public ulong TaskSize { get; }
}
