namespace KernelModel.Arch.X86;

/// <summary>
/// memset (arch/x86/lib/memset_64.S) as the rep stosb it is on FSRS CPUs: stores only, no exception-table
/// entry. _copy_from_user uses it to zero the part of the kernel buffer a short copy left unwritten.
/// </summary>
public sealed class Memset(Machine machine)
{
    /// <summary>rep stosb.</summary>
    public static readonly CodeSite Stosb = new("memset", "rep stosb", SiteAccess.Store);

    /// <summary>The instruction at the site.</summary>
    public static IReadOnlyList<X86Instruction> Instructions { get; } = [new(Stosb, X86Instruction.Stosb, "rep stosb")];

    /// <summary>memset(s, c, n).</summary>
    [KernelSymbol("arch/x86/lib/memset_64.S", "memset")]
    public void Fill(ulong s, byte c, ulong n)
    {
        var cpu = machine.CurrentCpu;
        Span<byte> line = stackalloc byte[PhysicalMemory.LineSize];
        line.Fill(c);
        while (n > 0)
        {
            var piece = (int)Math.Min(n, (ulong)line.Length);

            // No entry: a fault here does not come back (the page fault handler oopses).
            cpu.Store(Stosb, s, line[..piece]);
            s += (ulong)piece;
            n -= (ulong)piece;
        }
    }
}
