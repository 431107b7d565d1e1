
namespace KernelModel.Arch.RiscV;

/// <summary>
/// arch/riscv/lib/memcpy_template.S (the seed patch) as its state machine: the registers it uses, its phases in
/// order, and the points where it updates the count. One instance runs one call.
/// <list type="bullet">
/// <item>a0: the original destination (kept; the return register); a1: the source, advanced by every phase;
/// a2: the count, changed only at two phase boundaries (the <c>sub</c> after the lead, the <c>andi</c> after the
/// bulk loop); a3, a4, a5: scratch (masks, loop ends, lead length, byte and word data); a6, a7, t0-t5: the bulk
/// loop's data registers with a4 and a5; t6: the working destination.</item>
/// <item>Phases: entry (n &lt; 128, a constant not scaled by SZREG, goes straight to the tail); the co-alignment
/// test of the low SZREG bits (different: tail); the lead byte copy up to SZREG alignment; the 16*SZREG unrolled
/// loop (load words 0-9, store 0-9, load 10-15, a1 += W, store 10-15, t6 += W); the tail, by 32-bit words when
/// a1, t6 and the end are all 4-aligned, else by bytes.</item>
/// </list>
/// Registers are XLEN bits wide: on RV32 every address and count wraps at 2^32. Every access goes through the
/// CPU's memory port with its static site; when the port reports that the trap took the site's exception-table
/// fixup, execution continues at the includer's fixup label, which is what <see cref="Run"/> reports.
/// </summary>
[KernelSymbol("arch/riscv/lib/memcpy_template.S", "__memcpy")]
[KernelSymbol("arch/riscv/lib/memcpy_template.S", "__memcpy_mc")]
public sealed class MemcpyTemplate
{
    /// <summary>The entry threshold: shorter copies go straight to the tail (sltiu a3, a2, 128).</summary>
    public const ulong ByteCopyThreshold = 128;

    private readonly Cpu _cpu;
    private readonly MemcpyTemplateSites _sites;
    private readonly ulong _szreg;
    private readonly ulong _xlenMask;
    private readonly ulong[] _bulk = new ulong[16];

    /// <summary>Prepares one call on <paramref name="cpu"/> with the includer's sites.</summary>
    /// <param name="cpu">The CPU the copy runs on.</param>
    /// <param name="sites">The includer's load and store sites.</param>
    /// <param name="szreg">SZREG: 8 on RV64, 4 on RV32.</param>
    public MemcpyTemplate(Cpu cpu, MemcpyTemplateSites sites, int szreg)
    {
        if (szreg is not (4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(szreg), szreg, "SZREG is 4 (RV32) or 8 (RV64)");
        }

        _cpu = cpu;
        _sites = sites;
        _szreg = (ulong)szreg;
        _xlenMask = szreg == 8 ? ulong.MaxValue : uint.MaxValue;
    }

    /// <summary>Bytes per unrolled iteration, 16*SZREG (W).</summary>
    public ulong BulkBytes => 16 * _szreg;

    /// <summary>a0.</summary>
    public ulong A0 { get; private set; }

    /// <summary>a1: the source cursor.</summary>
    public ulong A1 { get; private set; }

    /// <summary>a2: the count as of the start of the current phase.</summary>
    public ulong A2 { get; private set; }

    /// <summary>t6: the destination cursor.</summary>
    public ulong T6 { get; private set; }

    /// <summary>
    /// Runs the template body for (a0, a1, a2) = (<paramref name="dst"/>, <paramref name="src"/>,
    /// <paramref name="n"/>). Returns null when it falls through to .Lcopy_done, or a2 as it stands when an access
    /// trapped and the trap took the fixup (the includer's label 6).
    /// </summary>
    public ulong? Run(ulong dst, ulong src, ulong n)
    {
        A0 = dst & _xlenMask;
        A1 = src & _xlenMask;
        A2 = n & _xlenMask;
        T6 = A0;
        if (A2 >= ByteCopyThreshold && (T6 & (_szreg - 1)) == (A1 & (_szreg - 1)))
        {
            if ((T6 & (_szreg - 1)) != 0 && !LeadCopy())
            {
                return A2;
            }

            if (!UnrolledLoop())
            {
                return A2;
            }
        }

        return Tail() ? null : A2;
    }

    // .Llead_copy: a3 = the next SZREG boundary of the source, a4 = L = a3 - a1; byte copies, then a2 -= L.
    private bool LeadCopy()
    {
        var a3 = Add(A1 & ~(_szreg - 1), _szreg);
        var a4 = Sub(a3, A1);
        do
        {
            if (!Load(_sites.LeadLoad, A1, 1, out var a5))
            {
                return false;
            }

            A1 = Add(A1, 1);
            if (!Store(_sites.LeadStore, T6, 1, a5))
            {
                return false;
            }

            T6 = Add(T6, 1);
        }
        while (A1 < a3);

        A2 = Sub(A2, a4);
        return true;
    }

    // .Laligned / .Lunrolled_loop: B = a2 & ~(W-1); loop until a1 reaches a1 + B; then a2 &= W-1.
    private bool UnrolledLoop()
    {
        var w = BulkBytes;
        var a4 = A2 & ~(w - 1);
        if (a4 == 0)
        {
            return true;
        }

        var a3 = Add(A1, a4);
        do
        {
            // An iteration in which nothing can fault (both sides translate, no poisoned source line, no wrap of the
            // XLEN-bit address) leaves exactly what its 16 loads and 16 stores leave: the words moved and both cursors
            // advanced by W (the data registers are dead once stored). Only the iteration that can fault is run access
            // by access, so a poisoned page costs one modelled iteration, not one per 16*SZREG bytes before the poison.
            if (A1 <= _xlenMask - (w - 1) && T6 <= _xlenMask - (w - 1) && _cpu.TryCopyFast(T6, A1, w))
            {
                A1 = Add(A1, w);
                T6 = Add(T6, w);
                continue;
            }

            for (var k = 0; k < 10; k++)
            {
                if (!Load(_sites.BulkLoad[k], Add(A1, (ulong)k * _szreg), (int)_szreg, out _bulk[k]))
                {
                    return false;
                }
            }

            for (var k = 0; k < 10; k++)
            {
                if (!Store(_sites.BulkStore[k], Add(T6, (ulong)k * _szreg), (int)_szreg, _bulk[k]))
                {
                    return false;
                }
            }

            for (var k = 10; k < 16; k++)
            {
                if (!Load(_sites.BulkLoad[k], Add(A1, (ulong)k * _szreg), (int)_szreg, out _bulk[k]))
                {
                    return false;
                }
            }

            A1 = Add(A1, w);
            for (var k = 10; k < 16; k++)
            {
                if (!Store(_sites.BulkStore[k], Add(T6, (ulong)k * _szreg), (int)_szreg, _bulk[k]))
                {
                    return false;
                }
            }

            T6 = Add(T6, w);
        }
        while (A1 < a3);

        A2 &= w - 1;
        return true;
    }

    // .Ltail: nothing left, or end a3 = a1 + a2; words when a1, t6 and a3 are 4-aligned, else bytes.
    private bool Tail()
    {
        if (A2 == 0)
        {
            return true;
        }

        var a3 = Add(A1, A2);
        var a5 = (A1 | T6 | a3) & 3;
        return a5 == 0 ? WordTail(a3) : ByteTail(a3);
    }

    private bool WordTail(ulong a3)
    {
        do
        {
            if (!Load(_sites.WordTailLoad, A1, 4, out var a4))
            {
                return false;
            }

            A1 = Add(A1, 4);
            if (!Store(_sites.WordTailStore, T6, 4, a4))
            {
                return false;
            }

            T6 = Add(T6, 4);
        }
        while (A1 < a3);

        return true;
    }

    private bool ByteTail(ulong a3)
    {
        do
        {
            if (!Load(_sites.ByteTailLoad, A1, 1, out var a4))
            {
                return false;
            }

            A1 = Add(A1, 1);
            if (!Store(_sites.ByteTailStore, T6, 1, a4))
            {
                return false;
            }

            T6 = Add(T6, 1);
        }
        while (A1 < a3);

        return true;
    }

    private ulong Add(ulong a, ulong b) => (a + b) & _xlenMask;

    private ulong Sub(ulong a, ulong b) => (a - b) & _xlenMask;

    // lb / lw / REG_L: the loaded value sign-extends to XLEN. False when the access trapped to a fixup.
    private bool Load(CodeSite site, ulong address, int size, out ulong value) =>
        RiscVRegisterAccess.Load(_cpu, site, address, size, _xlenMask, out value);

    // sb / sw / REG_S: the low bytes of the register. False when the access trapped to a fixup.
    private bool Store(CodeSite site, ulong address, int size, ulong value) =>
        RiscVRegisterAccess.Store(_cpu, site, address, size, value);
}
