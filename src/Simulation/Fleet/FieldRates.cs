namespace KernelModel.Simulation.Fleet;

/// <summary>
/// The fleet model's inputs and their defaults, from shared/reference/field-rates.md (section 7, "Default simulation
/// parameters", row numbers cited), and the consumer mix: which consumer and placement stands for each row of the
/// field split. Everything the fleet draws comes from this table; <c>kmodel fleet --explain</c> prints it.
/// </summary>
public static class FieldRates
{
    /// <summary>Hours in a (Julian) year.</summary>
    public const double HoursPerYear = 8766;

    /// <summary>UE-causing faults per GB-hour.</summary>
    public const string Rate = "rate.ue-per-gb-hour";

    /// <summary>Memory per machine in GB.</summary>
    public const string MemoryGb = "machine.memory-gb";

    /// <summary>Per-machine lognormal sigma.</summary>
    public const string Sigma = "rate.heterogeneity-sigma";

    /// <summary>Share of permanent faults.</summary>
    public const string Permanent = "fault.permanent-share";

    /// <summary>Share of faults that poison one page.</summary>
    public const string SinglePage = "fault.single-page-share";

    /// <summary>Mean of the extra pages of a multi-page fault.</summary>
    public const string ExtraPages = "fault.extra-pages-mean";

    /// <summary>P(another UE on a page that was not contained).</summary>
    public const string Recur = "fault.recur-probability";

    /// <summary>Share of errors the patrol scrubber finds first.</summary>
    public const string ScrubFirst = "detect.scrub-first";

    /// <summary>P(the kernel consumes a scrub-found kernel page memory_failure could not contain).</summary>
    public const string KernelConsumesUnhandled = "detect.kernel-consumes-unhandled";

    /// <summary>Share of consumed errors consumed by devices (DMA).</summary>
    public const string Dma = "consume.dma-share";

    /// <summary>Share of CPU consumptions in user mode.</summary>
    public const string User = "consume.user-share";

    /// <summary>kernel.panic_on_oops of the fleet's machines (1 or 0).</summary>
    public const string PanicOnOops = "kernel.panic-on-oops";

    private const string Row22 = "field-rates.md row 22 (memory composition: anon 45 %, page cache 30 %, kernel-owned 8 %, free 12 %, hugetlb/other 5 %)";

    /// <summary>The rows of the kernel-mode split (field-rates.md rows 16-20) and the user row (14): name, parameter, consumers.</summary>
    public static IReadOnlyList<(string Row, string? Parameter, IReadOnlyList<(string Consumer, string Placement)> Mix)> Rows { get; } =
    [
        ("user", null, [("user-load", "anon"), ("user-load", "thp"), ("user-load", "pagecache"), ("user-load", "shmem"), ("user-load", "hugetlb")]),
        ("uaccess", "kernel.uaccess", [("uaccess", "copyout"), ("uaccess", "copyin"), ("uaccess", "futex")]),
        ("cow", "kernel.cow", [("cow", "anon"), ("cow", "thp"), ("cow", "hugetlb"), ("cow", "file"), ("fork-copy", "pinned")]),
        ("kernel-data", "kernel.kernel-data", [("kernel-data", "slab")]),
        ("migration", "kernel.migration",
            [("khugepaged", "anon"), ("khugepaged", "shmem"), ("ksm", "swapin"), ("ksm", "scan"), ("migration", "numa"), ("migration", "compaction")]),
        ("other", "kernel.other", [("coredump", "anon"), ("kernel-memcpy", "pagecache")]),
    ];

    /// <summary>The page classes a scrub-found error lies in (row 22), as placements of the <c>scrub</c> consumer.</summary>
    public static IReadOnlyList<string> ScrubClasses { get; } = ["anon", "pagecache", "slab", "free", "hugetlb"];

    /// <summary>Every parameter, in the order --explain prints them.</summary>
    public static IReadOnlyList<FleetParameter> Parameters { get; } =
    [
        new(Rate, 1.25e-9, 0, 1e-3, "UE-causing faults per GB of memory per hour (DDR4/DDR5, 16 Gb x4 parts, 2 FIT per device)", "E",
            "field-rates.md row 2 (row 1: 2 FIT/device; Meza 2015 derived 2.8, Beigi 2023 +5.71 bound; range 3e-10 to 4e-9)"),
        new(MemoryGb, 1024, 1, 1 << 20, "memory per machine, GB", "P/S", "field-rates.md row 23 (2-socket x86 server, 1 TB; Grace 480, Vera 1536)"),
        new(Sigma, 1.5, 0, 3, "per-machine heterogeneity: lognormal sigma of the fault rate (mean kept at the rate)", "E",
            "field-rates.md row 4 (mean/median about 3; Meza 2015 errors per server Pareto, mean 55x median)"),
        new(Permanent, 0.71, 0, 1, "share of faults that are permanent", "C", "field-rates.md row 5 (Jaguar FIT table as encoded in FaultSim; 70 % recurring)"),
        new(SinglePage, 0.5, 0, 1, "share of faults that poison a single 4 KiB page", "E", "field-rates.md row 8 (Baeg: half of UE DIMMs had one UE)"),
        new(ExtraPages, 4, 0, 64, "mean number of further pages of a multi-page fault (geometric)", "E", "field-rates.md row 8"),
        new(Recur, 0.5, 0, 1, "P(another UE on the same page) for a permanent fault whose page was not contained, per recurrence", "E",
            "field-rates.md row 9 (Baeg; Schroeder CE->UE 9-400x)"),
        new(ScrubFirst, 0.5, 0, 1, "share of errors the patrol scrubber finds before any load", "E",
            "field-rates.md row 12 (no public field figure; 24 h scrub race, section 4)"),
        new(KernelConsumesUnhandled, 0.5, 0, 1, "P(the kernel later consumes a scrub-found kernel page memory_failure could not contain)", "E",
            "field-rates.md row 21 (Meta, Leitao 2026: crash 67 s later in d_lookup)"),
        new(Dma, 0.05, 0, 1, "share of consumed errors consumed by devices (NIC, NVMe, GPU DMA): not modelled, reported apart", "E",
            "field-rates.md row 13 (Google: PCIe devices cause host crashes regularly)"),
        new(User, 0.65, 0, 1, "share of CPU consumptions in user mode (the rest, row 15, in kernel mode)", "E", "field-rates.md rows 14-15 (composition argument, section 5)"),
        new("kernel.uaccess", 0.40, 0, 1, "kernel-mode share: user copies (page-cache read, copy_from_user, futex)", "E",
            "field-rates.md row 16 (Huawei v13 cover letter: COW + page-cache read > 50 % of kernel-mode errors)"),
        new("kernel.cow", 0.15, 0, 1, "kernel-mode share: copy on write (anon, THP, hugetlb, do_cow_fault, fork copy)", "E", "field-rates.md row 17 (Huawei)"),
        new("kernel.kernel-data", 0.30, 0, 1, "kernel-mode share: kernel-owned data (slab, page tables, stacks): never recoverable", "E",
            "field-rates.md row 18 (Meta: frequent slab hits; Meza 6 % offlining failures)"),
        new("kernel.migration", 0.08, 0, 1, "kernel-mode share: khugepaged, KSM, migration and compaction", "E",
            "field-rates.md row 19 (Google khugepaged rationale; Kefeng Wang's migrate commits)"),
        new("kernel.other", 0.07, 0, 1, "kernel-mode share: coredump and other kernel copies (drivers, network, crypto)", "E", "field-rates.md row 20"),
        new("composition.anon", 0.45, 0, 1, "page class of a scrub-found error: anonymous", "E", Row22),
        new("composition.pagecache", 0.30, 0, 1, "page class of a scrub-found error: page cache", "E", Row22),
        new("composition.slab", 0.08, 0, 1, "page class of a scrub-found error: kernel-owned", "E", Row22),
        new("composition.free", 0.12, 0, 1, "page class of a scrub-found error: free", "E", Row22),
        new("composition.hugetlb", 0.05, 0, 1, "page class of a scrub-found error: hugetlb and other", "E", Row22),
        new("mix.user-load.anon", 0.30, 0, 1, "user loads: anonymous 4 KiB pages", "E", "row 22 anon 45 %, split 2:1 between 4 KiB and THP by the model's author"),
        new("mix.user-load.thp", 0.15, 0, 1, "user loads: pages of anonymous THPs", "E", "row 22 anon 45 %, split 2:1 between 4 KiB and THP by the model's author"),
        new("mix.user-load.pagecache", 0.22, 0, 1, "user loads: shared file mappings (page cache)", "E", "row 22 page cache 30 %, of which shmem a quarter (model's author)"),
        new("mix.user-load.shmem", 0.08, 0, 1, "user loads: shmem/tmpfs mappings", "E", "row 22 page cache 30 %, of which shmem a quarter (model's author)"),
        new("mix.user-load.hugetlb", 0.05, 0, 1, "user loads: hugetlb pages", "E", "row 22 hugetlb/other 5 %"),
        new("mix.uaccess.copyout", 0.60, 0, 1, "user copies: read() of a page-cache page, copy_to_user loading the poison", "E",
            "Huawei: page-cache read is the large uaccess case (row 16)"),
        new("mix.uaccess.copyin", 0.25, 0, 1, "user copies: write() from a poisoned user buffer", "E", "model's author (Alibaba: errors in uaccess contexts, no number)"),
        new("mix.uaccess.futex", 0.15, 0, 1, "user copies: futex word read with get_user", "E", "model's author"),
        new("mix.cow.anon", 0.45, 0, 1, "COW: anonymous 4 KiB page after fork", "E", "model's author, within row 17"),
        new("mix.cow.thp", 0.10, 0, 1, "COW: a page of a THP after fork", "E", "model's author, within row 17"),
        new("mix.cow.hugetlb", 0.10, 0, 1, "COW: private hugetlb page after fork", "E", "model's author, within row 17"),
        new("mix.cow.file", 0.15, 0, 1, "COW: first write to a private file mapping (do_cow_fault)", "E", "model's author, within row 17"),
        new("mix.fork-copy.pinned", 0.20, 0, 1, "fork copying a DMA-pinned page (copy_present_page)", "E", "model's author, within row 17"),
        new("mix.kernel-data.slab", 1, 0, 1, "kernel data: a slab page read with a plain load", "E", "row 18"),
        new("mix.khugepaged.anon", 0.30, 0, 1, "khugepaged collapsing anonymous pages", "E", "model's author, within row 19"),
        new("mix.khugepaged.shmem", 0.10, 0, 1, "khugepaged collapsing shmem pages", "E", "model's author, within row 19"),
        new("mix.ksm.swapin", 0.10, 0, 1, "KSM swap-in copy (ksm_might_need_to_copy)", "E", "model's author, within row 19"),
        new("mix.ksm.scan", 0.10, 0, 1, "ksmd comparing pages (memcmp_pages)", "E", "model's author, within row 19"),
        new("mix.migration.numa", 0.20, 0, 1, "NUMA balancing migration", "E", "model's author, within row 19"),
        new("mix.migration.compaction", 0.20, 0, 1, "kcompactd migration", "E", "model's author, within row 19"),
        new("mix.coredump.anon", 0.30, 0, 1, "core dump of a crashing process", "E", "model's author, within row 20"),
        new("mix.kernel-memcpy.pagecache", 0.70, 0, 1, "other kernel copies with plain memcpy (drivers, network, crypto)", "E", "model's author, within row 20"),
        new(PanicOnOops, 1, 0, 1, "kernel.panic_on_oops on the fleet's machines (1: an oops panics the machine)", "E",
            "assumption of this model: fleets commonly run with panic_on_oops=1; the kernel default is 0 (kernel/panic.c)"),
    ];

    /// <summary>The parameter of that name.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static FleetParameter Get(string name) => Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"unknown fleet parameter '{name}': valid are {string.Join(", ", Parameters.Select(p => p.Name))}");

    /// <summary>The parameter that weighs a consumer placement within its row.</summary>
    public static string MixParameter(string consumer, string placement) => $"mix.{consumer}.{placement}";
}
