namespace KernelModel.Arch.X86;

/// <summary>
/// copy_mc_enhanced_fast_string (arch/x86/lib/copy_mc_64.S): one rep movsb with rcx = len. On a machine check
/// (or, for copy_mc_to_user, a page fault on the destination) the fixup .E_copy returns rcx, the bytes the CPU
/// reports as remaining. The single entry is EX_TYPE_DEFAULT_MCE_SAFE. The move can straddle source lines,
/// which is why the fragile variant exists for CPUs that cannot recover from that.
/// </summary>
public sealed class CopyMcEnhancedFastString(Machine machine, FastStringProgress progress)
{
    /// <summary>.L_copy: rep movsb, its load.</summary>
    public static readonly CodeSite CopyLoad = new("copy_mc_enhanced_fast_string", ".L_copy: rep movsb (load)", SiteAccess.Load);

    /// <summary>.L_copy: rep movsb, its store.</summary>
    public static readonly CodeSite CopyStore = new("copy_mc_enhanced_fast_string", ".L_copy: rep movsb (store)", SiteAccess.Store);

    /// <summary>_ASM_EXTABLE_TYPE(.L_copy, .E_copy, EX_TYPE_DEFAULT_MCE_SAFE), for both sides of the instruction.</summary>
    [KernelSymbol("arch/x86/lib/copy_mc_64.S", "copy_mc_enhanced_fast_string")]
    public static ExceptionTable Extable { get; } = new(
    [
        X86Extable.Entry(CopyLoad, ExType.DefaultMceSafe, ".E_copy: return rcx"),
        X86Extable.Entry(CopyStore, ExType.DefaultMceSafe, ".E_copy: return rcx"),
    ]);

    /// <summary>The instruction at the sites.</summary>
    public static IReadOnlyList<X86Instruction> Instructions { get; } =
    [
        new(CopyLoad, X86Instruction.Movsb, "rep movsb"),
        new(CopyStore, X86Instruction.Movsb, "rep movsb"),
    ];

    /// <summary>copy_mc_enhanced_fast_string(dst, src, len): 0, or rcx after the interrupted move.</summary>
    [KernelSymbol("arch/x86/lib/copy_mc_64.S", "copy_mc_enhanced_fast_string")]
    public ulong Copy(ulong dst, ulong src, uint len)
    {
        var cpu = machine.CurrentCpu;
        if (cpu.TryCopyFast(dst, src, len))
        {
            return 0;
        }

        var regs = new StringRegisters(dst, src, len);
        return RepMovs.Run(cpu, CopyLoad, CopyStore, ref regs, 1, progress) ? 0 : regs.Rcx;
    }
}
