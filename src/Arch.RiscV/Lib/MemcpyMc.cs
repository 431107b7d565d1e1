namespace KernelModel.Arch.RiscV;

/// <summary>
/// arch/riscv/lib/memcpy_mc.S (the seed patch): <c>__memcpy_mc</c> (memcpy_mc is its weak alias), the template
/// with every load AND every store wrapped by the <c>fixup</c> macro, which emits an _asm_extable entry
/// (EX_TYPE_FIXUP) to local label 6. On the happy path it returns 0; label 6 returns a2 as it stands.
/// <para>
/// The file's comment says only loads are protected and stores are plain, but STORE_B, STORE_W and STORE_REG are
/// defined through the same fixup macro. So a fault on the destination (a bad or read-only kernel address) is also
/// fixed up: copy_mc_to_kernel returns non-zero where a plain memcpy would oops (reference §5.5, a review finding).
/// </para>
/// <para>
/// The value returned is a2 at the fault: the count at the start of the current phase (the tail after a short or
/// mismatched entry: n; the lead: n; the bulk loop: n1 = n - L; the tail after the bulk loop: r = n1 mod W). It is
/// never 0 after a fault and never below the bytes not stored, and exact only on a phase's first access.
/// </para>
/// </summary>
public sealed class MemcpyMc(Machine machine, int szreg)
{
    /// <summary>The fixup label's action.</summary>
    public const string FixupLabel = "6f: a0 = a2";

    /// <summary>The template's sites as memcpy_mc.S assembles them.</summary>
    public static MemcpyTemplateSites Sites { get; } = new("__memcpy_mc");

    /// <summary>One EX_TYPE_FIXUP entry to label 6 for every load and every store.</summary>
    public static ExceptionTable Extable { get; } = new(Sites.All.Select(s => RiscVAsmExtable.Entry(s, FixupLabel)));

    /// <summary>memcpy_mc(): 0, or a2 at the faulting access.</summary>
    [KernelSymbol("arch/riscv/lib/memcpy_mc.S", "__memcpy_mc")]
    public ulong Run(ulong dst, ulong src, ulong n)
    {
        var cpu = machine.CurrentCpu;
        if (cpu.TryCopyFast(dst, src, n))
        {
            return 0;
        }

        return new MemcpyTemplate(cpu, Sites, szreg).Run(dst, src, n) ?? 0;
    }
}
