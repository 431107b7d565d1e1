using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// copy_mc_page() of the series (v13 4/5, arch/arm64/lib/copy_mc_page.S over copy_page_template.S): the body
/// of copy_page with its <c>ldp</c> wrapped in KERNEL_MEM_ERR(9998f) and its <c>stnp</c> plain. The copy is
/// software-pipelined in 128-byte blocks: eight <c>ldp</c> fill x2..x17 with block 0, then each pass stores the
/// previous block (<c>stnp</c>, 256 bytes behind x0) interleaved with the loads of the next, until x0 reaches
/// the page boundary; the last block is stored after the loop. 9998 returns -EFAULT: no register is left to
/// count bytes, which is why copy_mc_[user]_highpage report -EFAULT (series patch 3). With FEAT_MOPS the
/// template's CPYPWN/CPYMWN/CPYEWN run instead: no entry in v13, an assumed -EFAULT entry in v14. v14 moves
/// copy_page onto a shared memcpy_template.S (unpublished); the model keeps v13's copy_page_template.S order.
/// </summary>
public sealed class CopyMcPage
{
    /// <summary>The routine (copy_mc_page is its alias).</summary>
    public const string Routine = "__pi_copy_mc_page";

    private const int Pairs = 8;
    private const string Fixup9998 = "9998f: x0 = -EFAULT";
    private static readonly string[] Regs = ["x2, x3", "x4, x5", "x6, x7", "x8, x9", "x10, x11", "x12, x13", "x14, x15", "x16, x17"];
    private readonly Machine _machine;
    private readonly Arm64Mops _mops;

    /// <summary>The routine on a machine with a CPU of the given MOPS support.</summary>
    public CopyMcPage(Machine machine, Arm64Mops mops)
    {
        _machine = machine;
        _mops = mops;
    }

    /// <summary>The eight loads of block 0 before the loop.</summary>
    public static IReadOnlyList<CodeSite> PrologueLoads { get; } = Sites("ldp1 {0}, [x1, #{1}]", SiteAccess.Load);

    /// <summary>The loop's stores of the previous block.</summary>
    public static IReadOnlyList<CodeSite> LoopStores { get; } = Sites("loop: stnp {0}, [x0, #{1} - 256]", SiteAccess.Store);

    /// <summary>The loop's loads of the next block.</summary>
    public static IReadOnlyList<CodeSite> LoopLoads { get; } = Sites("loop: ldp1 {0}, [x1, #{1}]", SiteAccess.Load);

    /// <summary>The stores of the last block after the loop.</summary>
    public static IReadOnlyList<CodeSite> EpilogueStores { get; } = Sites("stnp {0}, [x0, #{1} - 256]", SiteAccess.Store);

    /// <summary>The FEAT_MOPS prologue's main and epilogue instructions (non-temporal write variants).</summary>
    internal static MopsSites Mops { get; } = new(Routine, "cpymwn [x0]!, [x1]!, x2!", "cpyewn [x0]!, [x1]!, x2!");

    /// <summary>The MOPS main instruction's read side.</summary>
    public static CodeSite MopsMainLoad => Mops.MainLoad;

    /// <summary>copy_mc_page(): 0, or -EFAULT when a load took its fixup.</summary>
    [KernelSymbol("arch/arm64/lib/copy_mc_page.S", "copy_mc_page")]
    public int Copy(ulong to, ulong from)
    {
        var cpu = _machine.CurrentCpu;
        return cpu.TryCopyFast(to, from, PhysicalMemory.PageSize) ? 0 : Run(cpu, to, from);
    }

    // The routine access by access, out of the clean copy's way.
    private int Run(Cpu cpu, ulong to, ulong from)
    {
        if (_mops != Arm64Mops.None)
        {
            return new MopsCopy(cpu, Mops).Run(to, from, PhysicalMemory.PageSize) ? 0 : -Errno.EFAULT;
        }

        return Template(cpu, to, from) ? 0 : -Errno.EFAULT;
    }

    /// <summary>The entries: KERNEL_MEM_ERR(9998f) on every ldp, and on the MOPS reads under the v14 assumption.</summary>
    internal static IEnumerable<ExtableEntry> ExtableEntries(Arm64ExtableKinds kinds, Arm64Mops mops)
    {
        var loads = PrologueLoads.Concat(LoopLoads);
        if (mops == Arm64Mops.V14Assumed)
        {
            loads = loads.Concat([Mops.MainLoad, Mops.EpilogueLoad]);
        }

        return loads.Select(l => kinds.MemErr(l, Fixup9998));
    }

    private static CodeSite[] Sites(string format, SiteAccess access) =>
        [.. Enumerable.Range(0, Pairs).Select(i => new CodeSite(Routine, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, Regs[i], 16 * i), access))];

    // copy_page_template.S without MOPS; false when an ldp took the 9998 fixup.
    internal static bool Template(Cpu cpu, ulong x0, ulong x1)
    {
        var regs = new byte[Pairs][];
        for (var i = 0; i < Pairs; i++)
        {
            regs[i] = new byte[16];
            if (cpu.Load(PrologueLoads[i], x1 + (ulong)(16 * i), regs[i]) != AccessResult.Ok)
            {
                return false;
            }
        }

        x0 += 256;
        x1 += 128;
        bool more;
        do
        {
            // tst x0, #(PAGE_SIZE - 1) at the top of the pass decides the b.ne at its bottom.
            more = (x0 & (PhysicalMemory.PageSize - 1)) != 0;
            var moved = MoveFaultFreePasses(cpu, x0, x1);
            if (moved > 0)
            {
                x0 += moved;
                x1 += moved;
                more = (x0 & (PhysicalMemory.PageSize - 1)) != 128;
                if (!LoadBlock(cpu, x1 - 128, regs))
                {
                    return false;
                }

                continue;
            }

            for (var i = 0; i < Pairs; i++)
            {
                cpu.Store(LoopStores[i], x0 - 256 + (ulong)(16 * i), regs[i]);
                if (cpu.Load(LoopLoads[i], x1 + (ulong)(16 * i), regs[i]) != AccessResult.Ok)
                {
                    return false;
                }
            }

            x0 += 128;
            x1 += 128;
        }
        while (more);

        for (var i = 0; i < Pairs; i++)
        {
            cpu.Store(EpilogueStores[i], x0 - 256 + (ulong)(16 * i), regs[i]);
        }

        return true;
    }

    // The loop's next passes in which no access can fault (at least two), moved in one go: k passes store the block
    // held in x2..x17 and the k - 1 blocks after it (256 bytes behind x0), and load the block after those. While
    // the stores stay at or below x1 - 128 (or past everything the passes load), none lands on bytes a later ldp
    // reads and x2..x17 still hold the 128 bytes below x1; so the stores are one move of 128k bytes from x1 - 128.
    // The passes left end with the one that starts with x0 on a page boundary. Returns the bytes x0 and x1 advance
    // (0: nothing moved); the caller then loads the last block (LoadBlock).
    private static ulong MoveFaultFreePasses(Cpu cpu, ulong x0, ulong x1)
    {
        if ((x0 & 127) != 0)
        {
            return 0;
        }

        var left = ((PhysicalMemory.PageSize - x0) & (PhysicalMemory.PageSize - 1)) + 128;
        var stores = x0 - 256;
        var span = Math.Min(cpu.FaultFreeLength(x1, left, write: false), cpu.FaultFreeLength(stores, left, write: true)) & ~127UL;
        return span < 256 || (stores + 128 > x1 && stores < x1 + span) || !cpu.TryCopyFast(stores, x1 - 128, span) ? 0 : span;
    }

    // The last moved pass's ldp into x2..x17, as the loop leaves them.
    private static bool LoadBlock(Cpu cpu, ulong x1, byte[][] regs)
    {
        for (var i = 0; i < Pairs; i++)
        {
            if (cpu.Load(LoopLoads[i], x1 + (ulong)(16 * i), regs[i]) != AccessResult.Ok)
            {
                return false;
            }
        }

        return true;
    }
}
