using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>How a re-report of an already poisoned page shows (memory_failure()'s TestSetPageHWPoison branch).</summary>
public enum AlreadyPoisonedReport
{
    /// <summary>Before v6.10: "already hardware poisoned" and nothing more: no action_result, nothing counted.</summary>
    LineOnly,

    /// <summary>v6.10 to v6.17 (Jane Chu, 2024): that line and action_result "already poisoned": Failed, counted.</summary>
    LineAndActionResult,

    /// <summary>2025 (Kyle Meyer's fix, mm-next): action_result "already poisoned page": Failed only, not counted.</summary>
    ActionResultOnly,
}

/// <summary>What kill_procs() sends when unmapping failed but the address is known.</summary>
public enum UnmapFailureKill
{
    /// <summary>Current kernels: kill_procs() has no "fail" argument; the mappers get SIGBUS like any forced kill.</summary>
    Sigbus,

    /// <summary>Before Jane Chu's 2024 rework: kill_procs(..., fail = !unmap_success) sends SIGKILL.</summary>
    Sigkill,
}

/// <summary>
/// The kernel-version behaviours of mm/memory-failure.c and its interfaces that changed over time, each a named
/// option (interfaces.md section 9). <see cref="V617"/> is the default; <see cref="MmNext"/> the newest code read.
/// </summary>
public sealed record HwpoisonOptions
{
    private static readonly (string Name, string Values, string Description, Func<HwpoisonOptions, string, HwpoisonOptions?> Apply)[] Table =
    [
        ("madv-hwpoison-action-required", "true|false",
            "madvise(MADV_HWPOISON) passes MF_ACTION_REQUIRED (2024: the caller gets SIGBUS BUS_MCEERR_AR at once)",
            (o, v) => Bool(v) is { } b ? o with { MadvHwpoisonActionRequired = b } : null),
        ("already-poisoned-report", "line-only|line-and-action-result|action-result-only",
            "how a second report of a poisoned page shows and counts (before v6.10, v6.17, or the 2025 fix)",
            (o, v) => v switch
            {
                "line-only" => o with { AlreadyPoisoned = AlreadyPoisonedReport.LineOnly },
                "line-and-action-result" => o with { AlreadyPoisoned = AlreadyPoisonedReport.LineAndActionResult },
                "action-result-only" => o with { AlreadyPoisoned = AlreadyPoisonedReport.ActionResultOnly },
                _ => null,
            }),
        ("soft-offline-already-poisoned", "zero|ebusy",
            "soft_offline_page() of a poisoned page: 0 (since v5.9) or -EBUSY (before)",
            (o, v) => v switch
            {
                "zero" => o with { SoftOfflineAlreadyPoisonedErrno = 0 },
                "ebusy" => o with { SoftOfflineAlreadyPoisonedErrno = -Errno.EBUSY },
                _ => null,
            }),
        ("unmap-failure-kill", "sigbus|sigkill",
            "what mappers get when unmapping failed: SIGBUS (current) or SIGKILL (before 2024)",
            (o, v) => v switch
            {
                "sigbus" => o with { UnmapFailureKill = UnmapFailureKill.Sigbus },
                "sigkill" => o with { UnmapFailureKill = UnmapFailureKill.Sigkill },
                _ => null,
            }),
        ("shmem-error-result", "recovered|delayed",
            "result for a shmem page kept in the page cache: Recovered (v6.17) or Delayed (mm-next)",
            (o, v) => v switch
            {
                "recovered" => o with { ShmemErrorResult = MfResult.Recovered },
                "delayed" => o with { ShmemErrorResult = MfResult.Delayed },
                _ => null,
            }),
        ("ghes-checks-pfn-valid", "true|false",
            "ghes_do_memory_failure() refuses an address without a struct page (v6.17; mm-next leaves it to memory_failure)",
            (o, v) => Bool(v) is { } b ? o with { GhesChecksPfnValid = b } : null),
        ("unpoison-requires-online-pfn", "true|false",
            "unpoison_memory() of a pfn outside memory: -EIO via pfn_to_online_page (mm-next) or -ENXIO via pfn_valid (v6.17)",
            (o, v) => Bool(v) is { } b ? o with { UnpoisonRequiresOnlinePfn = b } : null),
        ("pfn-map-page-type", "true|false",
            "enum mf_action_page_type has MF_MSG_PFN_MAP (mm-next), which renumbers MF_MSG_UNKNOWN in the trace event",
            (o, v) => Bool(v) is { } b ? o with { PfnMapPageType = b } : null),
        ("kill-accessing-huge-subpage", "true|false",
            "kill_accessing_process() finds a hugetlb entry for any of its frames (mm-next) or only its first (v6.17)",
            (o, v) => Bool(v) is { } b ? o with { KillAccessingMatchesHugeSubpage = b } : null),
        ("per-node-stats", "true|false",
            "the per-node memory_failure sysfs statistics exist (since v6.5)",
            (o, v) => Bool(v) is { } b ? o with { PerNodeStats = b } : null),
        ("worker-latency-us", "0..1000000",
            "virtual time from schedule_work_on() to the kworker running memory_failure_work_func (model assumption)",
            (o, v) => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var us) && us <= 1_000_000
                ? o with { WorkerLatency = TimeSpan.FromMicroseconds(us) }
                : null),
    ];

    /// <summary>The v6.17 release (the default).</summary>
    public static HwpoisonOptions V617 { get; } = new();

    /// <summary>The mm tree read for the reference (mm-next, 2026): the 2025 already-poisoned fix, shmem Delayed, no GHES pfn check.</summary>
    public static HwpoisonOptions MmNext { get; } = new()
    {
        AlreadyPoisoned = AlreadyPoisonedReport.ActionResultOnly,
        ShmemErrorResult = MfResult.Delayed,
        GhesChecksPfnValid = false,
        UnpoisonRequiresOnlinePfn = true,
        PfnMapPageType = true,
        KillAccessingMatchesHugeSubpage = true,
    };

    /// <summary>The presets by name.</summary>
    public static IReadOnlyDictionary<string, HwpoisonOptions> Presets { get; } = new Dictionary<string, HwpoisonOptions>(StringComparer.Ordinal)
    {
        ["v6.17"] = V617,
        ["mm-next"] = MmNext,
    };

    /// <summary>Every option's name, values and meaning, for help text and error messages.</summary>
    public static IEnumerable<string> Descriptions => Table.Select(t => $"{t.Name}={t.Values}: {t.Description}");

    /// <summary>
    /// madvise(MADV_HWPOISON) adds MF_ACTION_REQUIRED (mm/madvise.c madvise_inject_error, 2024), so the caller is
    /// signalled BUS_MCEERR_AR as the syscall returns; before, the caller was an ordinary (late-kill) mapper.
    /// </summary>
    public bool MadvHwpoisonActionRequired { get; init; } = true;

    /// <summary>How a re-report of a poisoned page is logged and counted.</summary>
    public AlreadyPoisonedReport AlreadyPoisoned { get; init; } = AlreadyPoisonedReport.LineAndActionResult;

    /// <summary>What soft_offline_page() returns for a page already poisoned: 0 since v5.9, -EBUSY before.</summary>
    public int SoftOfflineAlreadyPoisonedErrno { get; init; }

    /// <summary>What kill_procs() sends after an unmap failure.</summary>
    public UnmapFailureKill UnmapFailureKill { get; init; } = UnmapFailureKill.Sigbus;

    /// <summary>What shmem's error_remove_folio makes of a page it keeps (Recovered in v6.17, Delayed in mm-next).</summary>
    public MfResult ShmemErrorResult { get; init; } = MfResult.Recovered;

    /// <summary>ghes_do_memory_failure() checks pfn_valid() and warns "Invalid address in generic error data" (v6.17).</summary>
    public bool GhesChecksPfnValid { get; init; } = true;

    /// <summary>unpoison_memory() uses pfn_to_online_page() (-EIO) rather than pfn_valid() (-ENXIO).</summary>
    public bool UnpoisonRequiresOnlinePfn { get; init; }

    /// <summary>enum mf_action_page_type has MF_MSG_PFN_MAP before MF_MSG_UNKNOWN (mm-next's non-struct-page pfn handling).</summary>
    public bool PfnMapPageType { get; init; }

    /// <summary>
    /// kill_accessing_process() matches a hugetlb entry whose huge page holds the poisoned frame anywhere (mm-next's
    /// check_hwpoisoned_entry masks the pfn) rather than only when the frame is the huge page's first (v6.17).
    /// </summary>
    public bool KillAccessingMatchesHugeSubpage { get; init; }

    /// <summary>/sys/devices/system/node/nodeN/memory_failure/* exist and are updated (since v6.5).</summary>
    public bool PerNodeStats { get; init; } = true;

    /// <summary>
    /// Model assumption: the virtual time a kworker takes to start after schedule_work_on(); the kernel gives no
    /// bound, so it is an option (default 10 microseconds).
    /// </summary>
    public TimeSpan WorkerLatency { get; init; } = TimeSpan.FromMicroseconds(10);

    /// <summary>A preset with name=value overrides applied in order.</summary>
    /// <exception cref="ArgumentException">Unknown preset, option or value; the message lists what is valid.</exception>
    public static HwpoisonOptions Parse(string preset, IEnumerable<string> overrides)
    {
        if (!Presets.TryGetValue(preset, out var options))
        {
            throw new ArgumentException($"unknown kernel '{preset}': valid are {string.Join(", ", Presets.Keys)}");
        }

        foreach (var item in overrides)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? item : item[..eq];
            var row = Table.FirstOrDefault(t => t.Name == name);
            if (row.Name is null)
            {
                throw new ArgumentException($"unknown option '{name}': valid are {string.Join(", ", Table.Select(t => t.Name))}");
            }

            options = (eq < 0 ? null : row.Apply(options, item[(eq + 1)..]))
                ?? throw new ArgumentException($"invalid value in '{item}': {row.Name} takes {row.Values}");
        }

        return options;
    }

    private static bool? Bool(string value) => value switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };
}
