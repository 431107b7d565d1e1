namespace KernelModel.Arch.RiscV;

/// <summary>
/// arch/riscv/lib/memcpy.S: <c>__memcpy</c> (memcpy is its weak alias), the template with plain lb/sb, lw/sw and
/// REG_L/REG_S. Its sites have no exception-table entries, so any fault inside it reaches the trap handler with
/// nothing to fix up. Before the seed patch the same instructions were written out in memcpy.S; the patch says the
/// generated code is unchanged, so the upstream profile uses this model too.
/// </summary>
public sealed class Memcpy(Machine machine, int szreg)
{
    /// <summary>The template's sites as memcpy.S assembles them.</summary>
    public static MemcpyTemplateSites Sites { get; } = new("__memcpy");

    /// <summary>memcpy(): copies <paramref name="n"/> bytes; the C function returns dst.</summary>
    [KernelSymbol("arch/riscv/lib/memcpy.S", "__memcpy")]
    public void Run(ulong dst, ulong src, ulong n)
    {
        var cpu = machine.CurrentCpu;
        if (cpu.TryCopyFast(dst, src, n))
        {
            return;
        }

        // Without an entry the trap handler kills the kernel, so the template cannot come back from a fault.
        if (new MemcpyTemplate(cpu, Sites, szreg).Run(dst, src, n) is { } a2)
        {
            throw new InvalidOperationException($"__memcpy has no fixup label, but a fault was fixed up with a2 = {a2}: an exception table lists a __memcpy site");
        }
    }
}
