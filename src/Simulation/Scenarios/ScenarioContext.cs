using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios;

/// <summary>
/// What a scenario works with: the booted machine and the profile, plus the observations only the scenario can
/// name (which syscall returned what, a path's own result, a short read).
/// </summary>
public sealed class ScenarioContext(Machine machine, string profile, int seed)
{
    private readonly List<SyscallRecord> _syscalls = [];
    private readonly Dictionary<string, object> _state = new(StringComparer.Ordinal);

    /// <summary>The machine.</summary>
    public Machine Machine { get; } = machine;

    /// <summary>The profile's name.</summary>
    public string Profile { get; } = profile;

    /// <summary>The run's seed.</summary>
    public int Seed { get; } = seed;

    /// <summary>Syscalls recorded, in order.</summary>
    public IReadOnlyList<SyscallRecord> Syscalls => _syscalls;

    /// <summary>The path's own result (SCAN_COPY_MC, -EHWPOISON, VM_FAULT_HWPOISON ...), when it has one.</summary>
    public string? Result { get; set; }

    /// <summary>Whether a read returned fewer bytes than asked.</summary>
    public bool ShortRead { get; set; }

    /// <summary>Records a syscall's return: negative values are -errno.</summary>
    public long Syscall(string name, long ret)
    {
        _syscalls.Add(new SyscallRecord(name, ret, ret < 0 ? (int)-ret : 0));
        return ret;
    }

    /// <summary>Keeps a value between the scenario's steps (the task, the address, the page).</summary>
    public void Set<T>(string key, T value)
        where T : notnull => _state[key] = value;

    /// <summary>A value kept by an earlier step.</summary>
    /// <exception cref="KeyNotFoundException">No earlier step kept it.</exception>
    public T Get<T>(string key) => (T)_state[key];

    /// <summary>Makes the 64-byte line at <paramref name="offset"/> of <paramref name="page"/> latently poisoned (EINJ-style).</summary>
    public void PoisonLine(Page page, int offset = 0x100) => Machine.Memory.InjectPoison(page.PhysAddr + (ulong)offset);
}
