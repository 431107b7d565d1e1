namespace KernelModel.Arch.X86;

/// <summary>
/// memcpy (arch/x86/lib/memcpy_64.S) in its FSRM form: rep movsb with rcx = len. It has no exception-table
/// entry, so poison consumed here grades IN_KERNEL and panics, and a bad pointer oopses. (Without FSRM the
/// kernel jumps to memcpy_orig, whose different loads would fault at a different site with the same outcome;
/// that variant is not modelled.)
/// </summary>
public sealed class Memcpy(Machine machine, FastStringProgress progress)
{
    /// <summary>rep movsb, its load.</summary>
    public static readonly CodeSite MovsbLoad = new("memcpy", "rep movsb (load)", SiteAccess.Load);

    /// <summary>rep movsb, its store.</summary>
    public static readonly CodeSite MovsbStore = new("memcpy", "rep movsb (store)", SiteAccess.Store);

    /// <summary>The instruction at the sites.</summary>
    public static IReadOnlyList<X86Instruction> Instructions { get; } =
    [
        new(MovsbLoad, X86Instruction.Movsb, "rep movsb"),
        new(MovsbStore, X86Instruction.Movsb, "rep movsb"),
    ];

    /// <summary>memcpy(dst, src, len).</summary>
    [KernelSymbol("arch/x86/lib/memcpy_64.S", "memcpy")]
    public void Copy(ulong dst, ulong src, ulong len)
    {
        var cpu = machine.CurrentCpu;
        if (cpu.TryCopyFast(dst, src, len))
        {
            return;
        }

        // Without an entry a fault here never comes back with a fixup: the handler kills the kernel.
        var regs = new StringRegisters(dst, src, len);
        RepMovs.Run(cpu, MovsbLoad, MovsbStore, ref regs, 1, progress);
    }
}
