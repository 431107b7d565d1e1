using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// struct memory_failure_stats (include/linux/mmzone.h, per pglist_data): what
/// /sys/devices/system/node/nodeN/memory_failure/{total,ignored,failed,delayed,recovered} read.
/// </summary>
[KernelSymbol("include/linux/mmzone.h", "memory_failure_stats")]
public sealed class MemoryFailureStats
{
    /// <summary>total: every counted outcome.</summary>
    public ulong Total { get; private set; }

    /// <summary>ignored.</summary>
    public ulong Ignored { get; private set; }

    /// <summary>failed.</summary>
    public ulong Failed { get; private set; }

    /// <summary>delayed.</summary>
    public ulong Delayed { get; private set; }

    /// <summary>recovered.</summary>
    public ulong Recovered { get; private set; }

    /// <summary>update_per_node_mf_stats(): one more outcome of this kind.</summary>
    [KernelSymbol("mm/memory-failure.c", "update_per_node_mf_stats")]
    internal void Update(MfResult result)
    {
        switch (result)
        {
            case MfResult.Ignored:
                Ignored++;
                break;
            case MfResult.Failed:
                Failed++;
                break;
            case MfResult.Delayed:
                Delayed++;
                break;
            case MfResult.Recovered:
                Recovered++;
                break;
        }

        Total++;
    }

    /// <summary>The sysfs attribute <paramref name="name"/> as read(2) returns it ("%lu\n").</summary>
    /// <exception cref="ArgumentException">Not one of the five attributes.</exception>
    public string Read(string name) => name switch
    {
        "total" => Format(Total),
        "ignored" => Format(Ignored),
        "failed" => Format(Failed),
        "delayed" => Format(Delayed),
        "recovered" => Format(Recovered),
        _ => throw new ArgumentException($"unknown memory_failure attribute '{name}': valid are total, ignored, failed, delayed, recovered"),
    };

    private static string Format(ulong value) => value.ToString(CultureInfo.InvariantCulture) + "\n";
}
