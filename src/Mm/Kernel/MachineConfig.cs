namespace KernelModel.Mm;

/// <summary>The simulated machine's shape. <see cref="Validate"/> names any bad value and its valid range.</summary>
public sealed record MachineConfig
{
    /// <summary>Bytes of physical memory (a multiple of 128 MiB per node).</summary>
    public ulong MemoryBytes { get; init; } = 4UL << 30;

    /// <summary>NUMA nodes, memory split evenly.</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>CPUs.</summary>
    public int Cpus { get; init; } = 2;

    /// <summary>The seed of every random choice the machine makes.</summary>
    public int Seed { get; init; }

    /// <summary>Memory at the start of node 0 that the kernel keeps for itself (PG_reserved).</summary>
    public ulong ReservedBytes { get; init; } = 16UL << 20;

    /// <summary>hstates[] in index order: 9 for 2 MiB, 18 for 1 GiB.</summary>
    public IReadOnlyList<int> HugetlbOrders { get; init; } = [9, 18];

    /// <summary>2 MiB huge pages reserved at boot (nr_hugepages).</summary>
    public int Hugepages2M { get; init; }

    /// <summary>1 GiB huge pages reserved at boot.</summary>
    public int Hugepages1G { get; init; }

    /// <summary>The mm paths' version, configuration and architecture choices (see <see cref="MmOptions"/>).</summary>
    public MmOptions Mm { get; init; } = new();

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentException">A field is out of range; the message names it and the valid range.</exception>
    public void Validate()
    {
        const ulong section = 128UL << 20;
        if (Nodes is < 1 or > 64)
        {
            throw new ArgumentException($"invalid node count {Nodes}: valid values are 1..64");
        }

        if (MemoryBytes == 0 || MemoryBytes % (section * (ulong)Nodes) != 0 || MemoryBytes > 1UL << 50)
        {
            throw new ArgumentException($"invalid memory size {MemoryBytes} bytes: it must be a multiple of {Nodes} x 128 MiB, up to 1 PiB");
        }

        if (Cpus is < 1 or > 1024)
        {
            throw new ArgumentException($"invalid CPU count {Cpus}: valid values are 1..1024");
        }

        if (ReservedBytes % PhysicalMemory.PageSize != 0 || ReservedBytes >= MemoryBytes / (ulong)Nodes)
        {
            throw new ArgumentException($"invalid reserved size {ReservedBytes}: a page multiple smaller than one node");
        }

        if (HugetlbOrders.Any(o => o is not (9 or 18)) || HugetlbOrders.Distinct().Count() != HugetlbOrders.Count)
        {
            throw new ArgumentException($"invalid hugetlb orders [{string.Join(",", HugetlbOrders)}]: each of 9 (2 MiB) and 18 (1 GiB) at most once");
        }

        if (Hugepages2M < 0 || Hugepages1G < 0)
        {
            throw new ArgumentException("huge page counts must not be negative");
        }

        Mm.Validate();
    }
}
