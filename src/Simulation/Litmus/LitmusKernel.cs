using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Litmus;

/// <summary>
/// A kernel version the litmus files run against on the model: the model's kernel-version options that match it.
/// "v6.17" and "mm-next" are the model's presets; the Debian series are the kernels the snapshots were taken on
/// (scripts/litmus-qemu.sh), each option cited to the change that made the difference.
/// </summary>
/// <param name="Name">The name (--kernel; a snapshot's series).</param>
/// <param name="Description">Which kernel and which options differ from v6.17.</param>
/// <param name="Hwpoison">memory_failure's version options.</param>
public sealed record LitmusKernel(string Name, string Description, HwpoisonOptions Hwpoison)
{
    /// <summary>The kernels by name.</summary>
    public static IReadOnlyList<LitmusKernel> All { get; } =
    [
        new("v6.17", "the model's default: v6.17 behaviour", HwpoisonOptions.V617),
        new("mm-next", "the newest mm code read for the references", HwpoisonOptions.MmNext),

        // Debian bookworm's stable kernel. Before v6.10 (Jane Chu, "mm/madvise: add MF_ACTION_REQUIRED to
        // madvise(MADV_HWPOISON)") the caller of MADV_HWPOISON was an ordinary late-kill mapper; before v6.5 (Jiaqi Yan)
        // there were no per-node memory_failure statistics; a second report printed "already hardware poisoned" and
        // nothing else (the action_result came with v6.10).
        new("6.1", "Debian 6.1 (bookworm): MADV_HWPOISON without MF_ACTION_REQUIRED, no per-node stats, already-poisoned line only",
            HwpoisonOptions.Parse("v6.17", ["madv-hwpoison-action-required=false", "per-node-stats=false", "already-poisoned-report=line-only"])),

        // Debian bookworm's second series (6.12 LTS): v6.17's behaviour, except that Kyle Meyer's 2025 fix (a re-report
        // of a poisoned page is one action_result "already poisoned page": Failed, not counted) reached 6.12 stable.
        new("6.12", "Debian 6.12 (bookworm LTS series): v6.17 with the 2025 already-poisoned fix backported",
            HwpoisonOptions.Parse("v6.17", ["already-poisoned-report=action-result-only"])),
    ];

    /// <summary>The kernel of that name, or of the series of a kernel release ("6.1.0-56-amd64" is 6.1).</summary>
    /// <exception cref="ArgumentException">Unknown; the message lists the valid names.</exception>
    public static LitmusKernel Get(string nameOrRelease)
    {
        var exact = All.FirstOrDefault(k => k.Name == nameOrRelease);
        if (exact is not null)
        {
            return exact;
        }

        var parts = nameOrRelease.Split('.', '-', '+');
        var series = parts.Length >= 2 ? $"{parts[0]}.{parts[1]}" : nameOrRelease;
        return All.FirstOrDefault(k => k.Name == series)
            ?? throw new ArgumentException($"unknown kernel '{nameOrRelease}': valid are {string.Join(", ", All.Select(k => k.Name))} (or a release of those series)");
    }

    /// <summary>The machine the litmus files run on: like the QEMU guest (1 GiB, 2 CPUs, 8 huge pages of 2 MiB reserved at boot).</summary>
    public static MachineConfig MachineConfig { get; } = new() { MemoryBytes = 1UL << 30, Cpus = 2, Hugepages2M = 8 };
}
