using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// memcpy_mc() of the series (v13 5/5, arch/arm64/lib/memcpy_mc.S): __memcpy_mc_generic is copy_template.S
/// with KERNEL_MEM_ERR(9997f) on every load and plain stores; 9997 returns <c>end - dst</c>, the exact bytes
/// not stored, which after a fault in the large loop is up to 64 bytes more than the distance to the poison.
/// With FEAT_MOPS, __memcpy_mc is CPYP/CPYM/CPYE with no exception-table entry and always returns 0. The
/// uninstrumented build is modelled (no KASAN wrapper).
/// <para>
/// Assumed for the <c>arm64</c> (v14) profile: v14 rebuilds memcpy_mc on a memcpy_template.S shared with the
/// optimised memcpy, whose code is unpublished; the model keeps v13's copy_template.S routine and its
/// <c>end - dst</c> return.
/// </para>
/// </summary>
public sealed class MemcpyMc
{
    /// <summary>The template-based routine.</summary>
    public const string GenericRoutine = "__memcpy_mc_generic";

    /// <summary>The template's instructions in __memcpy_mc_generic.</summary>
    internal static readonly CopyTemplateSites Sites = new(GenericRoutine, userStores: false);

    /// <summary>The FEAT_MOPS variant's instructions (no entries in any version).</summary>
    internal static readonly MopsSites Mops = new("__memcpy_mc", "cpym [dst]!, [src]!, count!", "cpye [dst]!, [src]!, count!");

    private readonly Machine _machine;
    private readonly Arm64Mops _mops;

    /// <summary>The routine on a machine with a CPU of the given MOPS support.</summary>
    public MemcpyMc(Machine machine, Arm64Mops mops)
    {
        _machine = machine;
        _mops = mops;
    }

    /// <summary>The template's loads (each a KERNEL_MEM_ERR site), in template order.</summary>
    public static IReadOnlyList<CodeSite> Loads => Sites.Loads;

    /// <summary>The template's stores (plain), in template order.</summary>
    public static IReadOnlyList<CodeSite> Stores => Sites.Stores;

    /// <summary>The MOPS variant's read of its main instruction.</summary>
    public static CodeSite MopsMainLoad => Mops.MainLoad;

    /// <summary>
    /// memcpy_mc() / __memcpy_mc(): 0, or the bytes not copied. The prototype in asm/string.h returns int, so the
    /// value is an int that copy_mc_to_kernel widens back to unsigned long.
    /// </summary>
    [KernelSymbol("arch/arm64/lib/memcpy_mc.S", "__memcpy_mc")]
    public int Copy(ulong dst, ulong src, ulong n)
    {
        if (_mops == Arm64Mops.None)
        {
            return Generic(dst, src, n);
        }

        var cpu = _machine.CurrentCpu;
        if (!cpu.TryCopyFast(dst, src, n))
        {
            // No entry covers these instructions: an abort here dies in do_sea and never comes back.
            _ = new MopsCopy(cpu, Mops).Run(dst, src, n);
        }

        return 0;
    }

    /// <summary>__memcpy_mc_generic(): 0, or <c>end - dst</c> at 9997.</summary>
    [KernelSymbol("arch/arm64/lib/memcpy_mc.S", "__memcpy_mc_generic")]
    public int Generic(ulong dst, ulong src, ulong n)
    {
        var cpu = _machine.CurrentCpu;
        return cpu.TryCopyFast(dst, src, n) ? 0 : RunTemplate(cpu, dst, src, n);
    }

    // The template access by access, out of the clean copy's way.
    private static int RunTemplate(Cpu cpu, ulong dst, ulong src, ulong n)
    {
        var end = dst + n;
        var template = new CopyTemplate(cpu, Sites);
        return template.Run(dst, src, n) ? 0 : (int)(end - template.Dst);
    }

    /// <summary>KERNEL_MEM_ERR(9997f) on every template load.</summary>
    internal static IEnumerable<ExtableEntry> ExtableEntries(Arm64ExtableKinds kinds) =>
        Sites.Loads.Select(l => kinds.MemErr(l, "9997f: x0 = end - dst"));
}
