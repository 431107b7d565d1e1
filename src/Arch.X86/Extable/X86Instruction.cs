namespace KernelModel.Arch.X86;

/// <summary>
/// The instruction at a code site, as the machine-check handler's decoder sees it: is_copy_from_user()
/// (arch/x86/kernel/cpu/mce/severity.c) decodes the opcode at the faulting IP and accepts only MOV, MOVZX and
/// REP MOVS. <see cref="Opcode"/> is insn.opcode.value: the opcode bytes little-endian, so 0F B6 is 0xB60F.
/// </summary>
/// <param name="Site">The site.</param>
/// <param name="Opcode">The opcode value the kernel's instruction decoder reports.</param>
/// <param name="Text">The instruction in AT&amp;T syntax, as the kernel source spells it.</param>
public sealed record X86Instruction(CodeSite Site, int Opcode, string Text)
{
    /// <summary>MOV r8, r/m8 (movb (%rsi),%al).</summary>
    public const int MovLoad8 = 0x8A;

    /// <summary>MOV r, r/m (movq (%rsi),%r8; movl (%rax),%edx).</summary>
    public const int MovLoad = 0x8B;

    /// <summary>MOV r/m8, r8 (movb %al,(%rdi)).</summary>
    public const int MovStore8 = 0x88;

    /// <summary>MOV r/m, r (movq %r8,(%rdi)).</summary>
    public const int MovStore = 0x89;

    /// <summary>MOVZX r, r/m8 (0F B6).</summary>
    public const int Movzx8 = 0xB60F;

    /// <summary>MOVZX r, r/m16 (0F B7).</summary>
    public const int Movzx16 = 0xB70F;

    /// <summary>MOVS m8 (rep movsb).</summary>
    public const int Movsb = 0xA4;

    /// <summary>MOVS m64 (rep movsq).</summary>
    public const int Movsq = 0xA5;

    /// <summary>STOS m8 (rep stosb).</summary>
    public const int Stosb = 0xAA;

    /// <summary>CMPXCHG r/m, r (lock cmpxchgl).</summary>
    public const int Cmpxchg = 0xB10F;

    /// <summary>XCHG r/m, r (xchgl).</summary>
    public const int Xchg = 0x87;

    /// <summary>XADD r/m, r (0F C1, lock xaddl).</summary>
    public const int Xadd = 0xC10F;
}
