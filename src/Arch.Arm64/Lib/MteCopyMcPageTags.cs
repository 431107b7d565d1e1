using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// mte_copy_mc_page_tags() of the series (v13 4/5, arch/arm64/lib/mte.S): loops by multitag_transfer_size
/// (4 &lt;&lt; GMID_EL1.BS bytes of data per step), LDGM wrapped in KERNEL_MEM_ERR(2f) and a plain STGM, until
/// the destination reaches the page boundary; label 2 returns -EFAULT.
/// </summary>
public sealed class MteCopyMcPageTags
{
    /// <summary>The routine.</summary>
    public const string Routine = "mte_copy_mc_page_tags";

    /// <summary>The tag load (KERNEL_MEM_ERR).</summary>
    public static readonly CodeSite Ldgm = new(Routine, "ldgm x4, [x3]", SiteAccess.Load);

    /// <summary>The tag store (plain).</summary>
    public static readonly CodeSite Stgm = new(Routine, "stgm x4, [x2]", SiteAccess.Store);

    private readonly Machine _machine;
    private readonly MteTagStorage _tags;
    private readonly ulong _transferSize;

    /// <summary>The routine on a machine whose CPU reports <paramref name="gmidBs"/> in GMID_EL1.BS.</summary>
    public MteCopyMcPageTags(Machine machine, MteTagStorage tags, int gmidBs)
    {
        _machine = machine;
        _tags = tags;
        _transferSize = 4UL << gmidBs;
    }

    /// <summary>mte_copy_mc_page_tags(kto, kfrom): 0, or -EFAULT when an LDGM took its fixup.</summary>
    [KernelSymbol("arch/arm64/lib/mte.S", "mte_copy_mc_page_tags")]
    public int Copy(ulong kto, ulong kfrom)
    {
        var cpu = _machine.CurrentCpu;
        var x4 = new byte[_transferSize / MteTagStorage.GranuleSize / 2];
        ulong x2 = kto, x3 = kfrom;
        do
        {
            if (cpu.Load(Ldgm, _tags.TagAddress(x3), x4) != AccessResult.Ok)
            {
                return -Errno.EFAULT;
            }

            cpu.Store(Stgm, _tags.TagAddress(x2), x4);
            x2 += _transferSize;
            x3 += _transferSize;
        }
        while ((x2 & (PhysicalMemory.PageSize - 1)) != 0);

        return 0;
    }

    /// <summary>KERNEL_MEM_ERR(2f) on the LDGM.</summary>
    internal static IEnumerable<ExtableEntry> ExtableEntries(Arm64ExtableKinds kinds) => [kinds.MemErr(Ldgm, "2f: x0 = -EFAULT")];
}
