using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// The hwpoison_inject debugfs directory, /sys/kernel/debug/hwpoison/ (mm/hwpoison-inject.c): corrupt-pfn and
/// unpoison-pfn (write-only, CAP_SYS_ADMIN) and the corrupt-filter-* settings. Writes parse as the kernel's debugfs
/// attributes do (kstrtoull, base 0). The model is built with CONFIG_MEMCG=n, so corrupt-filter-memcg does not
/// exist. The writer is root (it passes the files' 0600/0200 modes); capable() checks are the kernel's.
/// </summary>
public sealed class HwpoisonInject(Machine machine)
{
    /// <summary>The files, as ls shows them.</summary>
    public static IReadOnlyList<string> Files { get; } =
    [
        "corrupt-pfn", "unpoison-pfn", "corrupt-filter-enable", "corrupt-filter-dev-major", "corrupt-filter-dev-minor",
        "corrupt-filter-flags-mask", "corrupt-filter-flags-value",
    ];

    /// <summary>A write of <paramref name="value"/> to <paramref name="file"/> by <paramref name="writer"/>: 0 or a negative errno.</summary>
    public int Write(TaskStruct writer, string file, string value)
    {
        var mf = MemoryFailureHandler.Of(machine);
        if (mf is null || !Files.Contains(file))
        {
            return -Errno.ENOENT;
        }

        if (Kstrtoull.Parse(value, out var val) != 0)
        {
            return -Errno.EINVAL;
        }

        var filter = mf.Filter;
        switch (file)
        {
            case "corrupt-pfn":
                using (machine.CurrentCpu.Enter(writer, CpuMode.Kernel))
                {
                    return Inject(mf, writer, val);
                }

            case "unpoison-pfn":
                using (machine.CurrentCpu.Enter(writer, CpuMode.Kernel))
                {
                    return writer.Capable(Capability.SysAdmin) ? mf.UnpoisonMemory(val) : -Errno.EPERM;
                }

            case "corrupt-filter-enable":
                filter.Enable = (uint)val;
                return 0;
            case "corrupt-filter-dev-major":
                filter.DevMajor = (uint)val;
                return 0;
            case "corrupt-filter-dev-minor":
                filter.DevMinor = (uint)val;
                return 0;
            case "corrupt-filter-flags-mask":
                filter.FlagsMask = val;
                return 0;
            default:
                filter.FlagsValue = val;
                return 0;
        }
    }

    /// <summary>A read of one of the filter files ("%llu\n"), or null for the write-only files and unknown names.</summary>
    public string? Read(string file)
    {
        if (MemoryFailureHandler.Of(machine)?.Filter is not { } f)
        {
            return null;
        }

        ulong? v = file switch
        {
            "corrupt-filter-enable" => f.Enable,
            "corrupt-filter-dev-major" => f.DevMajor,
            "corrupt-filter-dev-minor" => f.DevMinor,
            "corrupt-filter-flags-mask" => f.FlagsMask,
            "corrupt-filter-flags-value" => f.FlagsValue,
            _ => null,
        };
        return v is { } x ? x.ToString(CultureInfo.InvariantCulture) + "\n" : null;
    }

    /// <summary>
    /// hwpoison_inject(): with filtering on, only LRU, hugetlb and free pages that pass the filter are injected
    /// (others silently succeed); then "Injecting memory failure at pfn %#lx" and memory_failure(pfn, MF_SW_SIMULATED).
    /// </summary>
    [KernelSymbol("mm/hwpoison-inject.c", "hwpoison_inject")]
    private int Inject(MemoryFailureHandler mf, TaskStruct writer, ulong pfn)
    {
        if (!writer.Capable(Capability.SysAdmin))
        {
            return -Errno.EPERM;
        }

        if (!machine.Memory.PfnValid(pfn))
        {
            return -Errno.ENXIO;
        }

        if (mf.Filter.Enable != 0)
        {
            var folio = machine.Memory.PfnToPage(pfn).Folio;
            if (!folio.Test(PageFlags.Lru) && !folio.IsHugetlb && !machine.Allocator.IsFreeBuddyPage(pfn))
            {
                return 0;
            }

            if (mf.Filter.Filter(folio.Head) != 0)
            {
                return 0;
            }
        }

        machine.Log.Info("Injecting memory failure at pfn " + Printf.HashLx(pfn));
        var err = mf.MemoryFailure(pfn, MfFlags.SwSimulated);
        return err == -Errno.EOPNOTSUPP ? 0 : err;
    }
}
