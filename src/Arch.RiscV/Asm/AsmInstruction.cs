
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// One assembled instruction: its operation and operands, its address, and where it came from. <see cref="Location"/>
/// is the line that holds the instruction (inside a macro's body, the body line); <see cref="Origin"/> is the line of
/// the source the reviewer reads (for <c>LOAD_B a5, 0, a1</c> in the template, the template line), which names its
/// <see cref="CodeSite"/>.
/// </summary>
public sealed class AsmInstruction
{
    internal AsmInstruction(AsmOp op, string text, SourceLocation location, SourceLocation origin, IReadOnlyList<string> macros)
    {
        Op = op;
        Text = text;
        Location = location;
        Origin = origin;
        Macros = macros;
    }

    /// <summary>The operation.</summary>
    public AsmOp Op { get; }

    /// <summary>The instruction as written, with operands evaluated (e.g. <c>ld a6, 16(a1)</c>).</summary>
    public string Text { get; }

    /// <summary>The line holding the instruction.</summary>
    public SourceLocation Location { get; }

    /// <summary>The source line outside any macro that produced it.</summary>
    public SourceLocation Origin { get; }

    /// <summary>The macros it was expanded through, outermost first.</summary>
    public IReadOnlyList<string> Macros { get; }

    /// <summary>Destination register.</summary>
    public int Rd { get; internal init; }

    /// <summary>First source register (the base of a load or store).</summary>
    public int Rs1 { get; internal init; }

    /// <summary>Second source register (the data of a store).</summary>
    public int Rs2 { get; internal init; }

    /// <summary>The immediate (offset, shift amount, upper immediate, or li's value).</summary>
    public long Immediate { get; internal init; }

    /// <summary>Its address in the text.</summary>
    public ulong Address { get; internal set; }

    /// <summary>Bytes it occupies (li may expand to several instructions).</summary>
    public int Size { get; internal init; } = 4;

    /// <summary>Its index in the program.</summary>
    public int Index { get; internal set; }

    /// <summary>The index of a branch's or jal's target.</summary>
    public int TargetIndex { get; internal set; } = -1;

    /// <summary>The nearest named label before it (<c>.Llead_copy</c>, or the function's name): the phase it belongs to.</summary>
    public string Region { get; internal set; } = string.Empty;

    /// <summary>The region's number (for fast comparison while running).</summary>
    public int RegionId { get; internal set; }

    /// <summary>The function it lies in (outside any, the nearest label before it that is not .L), or null.</summary>
    public string? Function { get; internal set; }

    /// <summary>The memory-access site of a load or store (the model's PC for the trap and the extable), else null.</summary>
    public CodeSite? Site { get; internal set; }

    /// <summary>Bytes a load or store accesses, else 0.</summary>
    public int AccessBytes => Op switch
    {
        AsmOp.Lb or AsmOp.Lbu or AsmOp.Sb => 1,
        AsmOp.Lh or AsmOp.Lhu or AsmOp.Sh => 2,
        AsmOp.Lw or AsmOp.Lwu or AsmOp.Sw => 4,
        AsmOp.Ld or AsmOp.Sd => 8,
        _ => 0,
    };

    /// <summary>Whether it is a load.</summary>
    public bool IsLoad => Op is >= AsmOp.Lb and <= AsmOp.Lwu;

    /// <summary>Whether it is a store.</summary>
    public bool IsStore => Op is >= AsmOp.Sb and <= AsmOp.Sd;

    internal LabelReference? Target { get; init; }

    /// <summary><c>origin insn</c>, e.g. <c>arch/riscv/lib/memcpy_template.S:49 lb a5, 0(a1)</c>.</summary>
    public override string ToString() => $"{Origin} {Text}";
}
