using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// The arm64 backend: the profiles <c>arm64</c> (the ARCH_HAS_COPY_MC series as of v14, v13 code where v14's is
/// unpublished) and <c>arm64-upstream</c> (mainline, no copy_mc), with VA_BITS = 48 and 4 KiB pages.
/// <para>
/// Recovery on arm64 is firmware-first: the series fixes up a kernel-mode abort only after APEI/GHES has
/// claimed it (Kconfig: ARCH_HAS_COPY_MC if ACPI_APEI_GHES). A machine booted without a GHES handler
/// (<see cref="GhesNotConfigured"/>) claims nothing, so there every consumption in a copy_mc routine dies and
/// the routines report <see cref="CopyRoutine.RecoversPoison"/> false; with a GHES handler they recover.
/// </para>
/// </summary>
public sealed class Arm64Architecture : IArchitecture
{
    /// <summary>The series profile.</summary>
    public const string ProfileName = "arm64";

    /// <summary>The mainline profile.</summary>
    public const string UpstreamProfileName = "arm64-upstream";

    private readonly Machine _machine;
    private readonly GenericCopyMc _generic;
    private readonly CopyToUser _copyToUser;
    private IReadOnlyList<CopyRoutine>? _routines;

    /// <summary>Builds the backend of <paramref name="options"/> for a machine.</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public Arm64Architecture(Machine machine, Arm64Options options)
    {
        options.Validate();
        _machine = machine;
        Options = options;
        Name = options.ArchHasCopyMc ? ProfileName : UpstreamProfileName;
        _generic = new GenericCopyMc(machine);
        _copyToUser = new CopyToUser(machine);
        MemcpyMc = new MemcpyMc(machine, options.Mops);
        CopyMcPage = new CopyMcPage(machine, options.Mops);
        MteTags = new MteTagStorage(machine);
        MteCopyMcPageTags = new MteCopyMcPageTags(machine, MteTags, options.MteGmidBs);
        var highpage = options.ArchHasCopyMc ? new Arm64HighpageCopy(machine, options.Mte, CopyMcPage, MteCopyMcPageTags, MteTags) : null;
        CopyMc = new Arm64CopyMc(options.ArchHasCopyMc, _generic, MemcpyMc, _copyToUser, highpage);
        Uaccess = new Arm64Uaccess(machine, new CopyFromUser(machine), _copyToUser);
        Arm64Extable = new Arm64Extable(options);
        Trap = new Arm64Fault(machine, options, Arm64Extable, new Arm64Traps(machine));
    }

    /// <summary>The options this backend models.</summary>
    public Arm64Options Options { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IArchCopyMc CopyMc { get; }

    /// <inheritdoc />
    public IArchTrap Trap { get; }

    /// <inheritdoc />
    public IArchUaccess Uaccess { get; }

    /// <summary>The exception table with its fixup_exception / fixup_exception_me readers.</summary>
    public Arm64Extable Arm64Extable { get; }

    /// <inheritdoc />
    public ExceptionTable Extable => Arm64Extable.Table;

    /// <summary>memcpy_mc (series).</summary>
    public MemcpyMc MemcpyMc { get; }

    /// <summary>copy_mc_page (series).</summary>
    public CopyMcPage CopyMcPage { get; }

    /// <summary>mte_copy_mc_page_tags (series).</summary>
    public MteCopyMcPageTags MteCopyMcPageTags { get; }

    /// <summary>The MTE tags and page flags.</summary>
    public MteTagStorage MteTags { get; }

    /// <summary>
    /// The routines, built on first use (after boot, when the machine's GHES handler is known). With the series:
    /// copy_mc_to_kernel, copy_mc_to_user and copy_mc_page recover when GHES can claim (copy_mc_to_kernel not under
    /// MOPS, copy_mc_page not under v13 MOPS); memcpy never does. Upstream none does.
    /// </summary>
    public IReadOnlyList<CopyRoutine> CopyRoutines => _routines ??= BuildRoutines();

    /// <inheritdoc />
    public ulong PageOffset => 0xffff_0000_0000_0000;

    /// <inheritdoc />
    public ulong TaskSize => 0x0001_0000_0000_0000;

    /// <summary>Whether the machine has a firmware-first error source that apei_claim_sea() can hand an abort to.</summary>
    public static bool HasGhes(Machine machine) => machine.Ghes is not GhesNotConfigured;

    private CopyRoutine[] BuildRoutines()
    {
        var claims = Options.ArchHasCopyMc && HasGhes(_machine);
        var routines = new List<CopyRoutine>
        {
            new("copy_mc_to_kernel", false, false, CopyReturnKind.BytesNotCopied, claims && Options.Mops == Arm64Mops.None,
                (d, s, n) => (long)CopyMc.CopyMcToKernel(d, s, n)),
            new("copy_mc_to_user", true, false, CopyReturnKind.BytesNotCopied, claims, (d, s, n) => (long)CopyMc.CopyMcToUser(d, s, n)),
            new("memcpy", false, false, CopyReturnKind.None, false, (d, s, n) =>
            {
                _generic.Memcpy(d, s, n);
                return 0;
            }),
        };
        if (Options.ArchHasCopyMc)
        {
            routines.Add(new("copy_mc_page", false, true, CopyReturnKind.Errno, claims && Options.Mops != Arm64Mops.V13,
                (d, s, _) => CopyMcPage.Copy(d, s)));
        }

        return [.. routines];
    }
}
