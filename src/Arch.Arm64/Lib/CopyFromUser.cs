using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// raw_copy_from_user() on arm64: __arch_copy_from_user (arch/arm64/lib/copy_from_user.S), which is copy_template.S
/// with unprivileged loads (USER() entries, EX_TYPE_UACCESS_ERR_ZERO, fixup 9997) and plain kernel stores (no
/// entries). Fixup 9997 tries one byte more (an ldtrb from the original source, itself a USER() site to 9998) when
/// nothing was stored yet; 9998 returns <c>end - dst</c>, the exact bytes not stored. The series leaves this file
/// alone: its loads are uaccess sites, which fixup_exception() takes for a page fault and the series'
/// fixup_exception_me() for a claimed synchronous external abort. Upstream a kernel-mode abort is never fixed up.
/// </summary>
public sealed class CopyFromUser(Machine machine)
{
    /// <summary>The assembled routine.</summary>
    public const string Routine = "__arch_copy_from_user";

    /// <summary>The template's instructions in this routine (loads are ldtr*, ldp1 is user_ldp).</summary>
    internal static readonly CopyTemplateSites Sites = new(Routine, userStores: false, userLoads: true);

    /// <summary>9997's retry load of the first source byte: USER(9998f, ldtrb tmp1w, [srcin]).</summary>
    public static readonly CodeSite RetryLoad = new(Routine, "9997: ldtrb tmp1w, [srcin]", SiteAccess.Load);

    /// <summary>9997's store of that byte: strb tmp1w, [dst], #1 (no entry).</summary>
    public static readonly CodeSite RetryStore = new(Routine, "9997: strb tmp1w, [dst], #1", SiteAccess.Store);

    private const string Fixup9997 = "9997f: if nothing stored, try one byte; x0 = end - dst";
    private const string Fixup9998 = "9998f: x0 = end - dst";

    /// <summary>The template's loads, in template order.</summary>
    public static IReadOnlyList<CodeSite> Loads => Sites.Loads;

    /// <summary>__arch_copy_from_user(): 0, or <c>end - dst</c> at the fixup.</summary>
    [KernelSymbol("arch/arm64/lib/copy_from_user.S", "__arch_copy_from_user")]
    public ulong ArchCopyFromUser(ulong to, ulong from, ulong n)
    {
        var cpu = machine.CurrentCpu;
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
        if (dst == to)
        {
            // 9997: a user-side load faulted before anything was stored; try the first byte alone before giving up.
            Span<byte> b = stackalloc byte[1];
            if (cpu.Load(RetryLoad, from, b) == AccessResult.Ok && cpu.Store(RetryStore, dst, b) == AccessResult.Ok)
            {
                dst++;
            }
        }

        return end - dst;
    }

    /// <summary>The entries this routine emits: USER() on every load and on the retry load; the stores have none.</summary>
    internal static IEnumerable<ExtableEntry> ExtableEntries(Arm64ExtableKinds kinds) =>
        Sites.Loads.Select(load => kinds.User(load, Fixup9997)).Append(kinds.User(RetryLoad, Fixup9998));
}
