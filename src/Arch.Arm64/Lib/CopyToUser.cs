using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// copy_to_user() on arm64: access_ok, then __arch_copy_to_user (arch/arm64/lib/copy_to_user.S), which is
/// copy_template.S with unprivileged stores (USER() entries, fixup 9997) and, with the series (v13 2/5), every
/// kernel-side load wrapped in KERNEL_MEM_ERR(9998f). Fixup 9997 tries one byte more when nothing was stored
/// yet; 9998 returns <c>end - dst</c>, the exact bytes not stored. Upstream the loads have no entry, so poison in
/// the kernel source is fatal. This is also arm64's copy_mc_to_user: the series' patch 1 generic fallback.
/// </summary>
public sealed class CopyToUser
{
    /// <summary>The assembled routine.</summary>
    public const string Routine = "__arch_copy_to_user";

    /// <summary>The template's instructions in this routine (stores are sttr*, stp1 is user_stp).</summary>
    internal static readonly CopyTemplateSites Sites = new(Routine, userStores: true);

    /// <summary>9997's retry load of the first source byte (KERNEL_MEM_ERR with the series).</summary>
    public static readonly CodeSite RetryLoad = new(Routine, "9997: ldrb tmp1w, [srcin]", SiteAccess.Load);

    /// <summary>9997's retry store of that byte (USER).</summary>
    public static readonly CodeSite RetryStore = new(Routine, "9997: sttrb tmp1w, [dst]", SiteAccess.Store);

    private const string Fixup9997 = "9997f: if nothing stored, try one byte; x0 = end - dst";
    private const string Fixup9998 = "9998f: x0 = end - dst";
    private readonly Machine _machine;

    /// <summary>The routine on a machine.</summary>
    public CopyToUser(Machine machine) => _machine = machine;

    /// <summary>The template's loads, in template order.</summary>
    public static IReadOnlyList<CodeSite> Loads => Sites.Loads;

    /// <summary>The template's store parts, in template order.</summary>
    public static IReadOnlyList<CodeSite> Stores => Sites.Stores;

    /// <summary>copy_to_user(): the bytes not copied (all of them when the range fails access_ok).</summary>
    [KernelSymbol("include/linux/uaccess.h", "copy_to_user")]
    public ulong Copy(ulong to, ulong from, ulong n)
    {
        var taskSize = _machine.Arch.TaskSize;
        return to >= taskSize || n > taskSize - to ? n : ArchCopyToUser(to, from, n);
    }

    /// <summary>__arch_copy_to_user(): 0, or <c>end - dst</c> at the fixup.</summary>
    [KernelSymbol("arch/arm64/lib/copy_to_user.S", "__arch_copy_to_user")]
    public ulong ArchCopyToUser(ulong to, ulong from, ulong n)
    {
        var cpu = _machine.CurrentCpu;
        if (cpu.TryCopyFast(to, from, n))
        {
            return 0;
        }

        var end = to + n;
        var template = new CopyTemplate(cpu, Sites);
        if (template.Run(to, from, n))
        {
            return 0;
        }

        var dst = template.Dst;
        if (template.FaultSite!.Access == SiteAccess.Store && dst == to)
        {
            // 9997: a user-side fault before anything was stored; try the first byte alone before giving up.
            Span<byte> b = stackalloc byte[1];
            if (cpu.Load(RetryLoad, from, b) == AccessResult.Ok && cpu.Store(RetryStore, dst, b) == AccessResult.Ok)
            {
                dst++;
            }
        }

        return end - dst;
    }

    /// <summary>The entries this routine emits: USER() on every store, KERNEL_MEM_ERR() on every load with the series.</summary>
    internal static IEnumerable<ExtableEntry> ExtableEntries(Arm64ExtableKinds kinds, bool series)
    {
        foreach (var store in Sites.Stores)
        {
            yield return kinds.User(store, Fixup9997);
        }

        yield return kinds.User(RetryStore, Fixup9998);
        if (!series)
        {
            yield break;
        }

        foreach (var load in Sites.Loads)
        {
            yield return kinds.MemErr(load, Fixup9998);
        }

        yield return kinds.MemErr(RetryLoad, Fixup9998);
    }
}
