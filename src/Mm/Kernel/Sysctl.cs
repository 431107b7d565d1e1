using System.Globalization;

namespace KernelModel.Mm;

/// <summary>
/// The sysctls the recovery paths read (/proc/sys/vm/*, /proc/sys/kernel/panic_on_oops), with their kernel
/// defaults and ranges. <see cref="Set"/> validates as proc_dointvec_minmax does, with a message naming
/// the value and the valid range.
/// </summary>
public sealed class Sysctl
{
    private readonly Dictionary<string, (int Min, int Max, int Value)> _values = new(StringComparer.Ordinal)
    {
        ["vm.memory_failure_recovery"] = (0, 1, 1),
        ["vm.memory_failure_early_kill"] = (0, 1, 0),
        ["vm.enable_soft_offline"] = (0, 1, 1),
        ["kernel.panic_on_oops"] = (0, 1, 0),
    };

    /// <summary>vm.memory_failure_recovery (mm/memory-failure.c sysctl_memory_failure_recovery): 0 makes every memory_failure panic.</summary>
    [KernelSymbol("mm/memory-failure.c", "sysctl_memory_failure_recovery")]
    public bool MemoryFailureRecovery => Get("vm.memory_failure_recovery") != 0;

    /// <summary>vm.memory_failure_early_kill: signal mapping processes as soon as the error is found.</summary>
    [KernelSymbol("mm/memory-failure.c", "sysctl_memory_failure_early_kill")]
    public bool MemoryFailureEarlyKill => Get("vm.memory_failure_early_kill") != 0;

    /// <summary>vm.enable_soft_offline: 0 makes soft offline fail with EOPNOTSUPP.</summary>
    [KernelSymbol("mm/memory-failure.c", "sysctl_enable_soft_offline")]
    public bool EnableSoftOffline => Get("vm.enable_soft_offline") != 0;

    /// <summary>kernel.panic_on_oops: an oops panics instead of killing the current task.</summary>
    [KernelSymbol("kernel/panic.c", "panic_on_oops")]
    public bool PanicOnOops => Get("kernel.panic_on_oops") != 0;

    /// <summary>Every sysctl name the model knows.</summary>
    public IEnumerable<string> Names => _values.Keys.Order(StringComparer.Ordinal);

    /// <summary>A sysctl's current value.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public int Get(string name) => _values.TryGetValue(name, out var v)
        ? v.Value
        : throw new ArgumentException($"unknown sysctl '{name}': known are {string.Join(", ", Names)}", nameof(name));

    /// <summary>Writes a sysctl as `sysctl -w name=value` would.</summary>
    /// <exception cref="ArgumentException">Unknown name, or a value that is not an integer in range.</exception>
    public void Set(string name, string value)
    {
        var current = _values.TryGetValue(name, out var v)
            ? v
            : throw new ArgumentException($"unknown sysctl '{name}': known are {string.Join(", ", Names)}", nameof(name));
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) || parsed < current.Min || parsed > current.Max)
        {
            throw new ArgumentException($"invalid value '{value}' for {name}: valid values are {current.Min}..{current.Max}", nameof(value));
        }

        _values[name] = current with { Value = parsed };
    }
}
