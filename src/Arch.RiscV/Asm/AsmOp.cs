namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// The operations the interpreter executes: RV64I/RV32I loads and stores, register-immediate and register-register
/// arithmetic, logic, shifts and set-less-than (with RV64's *W forms), LUI/AUIPC, the six branches, JAL/JALR, and
/// <see cref="Li"/> for the <c>li</c> pseudo-instruction's whole lui/addi(w)/slli sequence. Every other pseudo-instruction
/// assembles to one of these.
/// </summary>
public enum AsmOp
{
    /// <summary>lb.</summary>
    Lb,

    /// <summary>lh.</summary>
    Lh,

    /// <summary>lw.</summary>
    Lw,

    /// <summary>ld (RV64).</summary>
    Ld,

    /// <summary>lbu.</summary>
    Lbu,

    /// <summary>lhu.</summary>
    Lhu,

    /// <summary>lwu (RV64).</summary>
    Lwu,

    /// <summary>sb.</summary>
    Sb,

    /// <summary>sh.</summary>
    Sh,

    /// <summary>sw.</summary>
    Sw,

    /// <summary>sd (RV64).</summary>
    Sd,

    /// <summary>addi.</summary>
    Addi,

    /// <summary>slti.</summary>
    Slti,

    /// <summary>sltiu.</summary>
    Sltiu,

    /// <summary>xori.</summary>
    Xori,

    /// <summary>ori.</summary>
    Ori,

    /// <summary>andi.</summary>
    Andi,

    /// <summary>slli.</summary>
    Slli,

    /// <summary>srli.</summary>
    Srli,

    /// <summary>srai.</summary>
    Srai,

    /// <summary>addiw (RV64).</summary>
    Addiw,

    /// <summary>slliw (RV64).</summary>
    Slliw,

    /// <summary>srliw (RV64).</summary>
    Srliw,

    /// <summary>sraiw (RV64).</summary>
    Sraiw,

    /// <summary>add.</summary>
    Add,

    /// <summary>sub.</summary>
    Sub,

    /// <summary>sll.</summary>
    Sll,

    /// <summary>slt.</summary>
    Slt,

    /// <summary>sltu.</summary>
    Sltu,

    /// <summary>xor.</summary>
    Xor,

    /// <summary>srl.</summary>
    Srl,

    /// <summary>sra.</summary>
    Sra,

    /// <summary>or.</summary>
    Or,

    /// <summary>and.</summary>
    And,

    /// <summary>addw (RV64).</summary>
    Addw,

    /// <summary>subw (RV64).</summary>
    Subw,

    /// <summary>sllw (RV64).</summary>
    Sllw,

    /// <summary>srlw (RV64).</summary>
    Srlw,

    /// <summary>sraw (RV64).</summary>
    Sraw,

    /// <summary>lui.</summary>
    Lui,

    /// <summary>auipc.</summary>
    Auipc,

    /// <summary>beq.</summary>
    Beq,

    /// <summary>bne.</summary>
    Bne,

    /// <summary>blt.</summary>
    Blt,

    /// <summary>bge.</summary>
    Bge,

    /// <summary>bltu.</summary>
    Bltu,

    /// <summary>bgeu.</summary>
    Bgeu,

    /// <summary>jal.</summary>
    Jal,

    /// <summary>jalr.</summary>
    Jalr,

    /// <summary>The li pseudo-instruction: rd = immediate.</summary>
    Li,
}
