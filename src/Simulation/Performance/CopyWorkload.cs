using KernelModel.Mm;

namespace KernelModel.Simulation.Performance;

/// <summary>
/// The copy measurements of one profile (targets 1, 2 and 6): a clean source and destination of <see cref="Length"/>
/// bytes in the linear map, and a source of the same size with one poisoned 64-byte line. The baseline is
/// Span&lt;byte&gt;.CopyTo between the same frames (the host arrays that hold the source's and the destination's
/// bytes). Each method runs its operation <c>n</c> times, so a timing loop pays no delegate call per copy. The CPU
/// stays in kernel mode in a task's context until disposed.
/// </summary>
public sealed class CopyWorkload : IDisposable
{
    /// <summary>Memory of the machine the copies run on: 1 GiB on one node (fits every profile's linear map).</summary>
    public const ulong MachineBytes = 1UL << 30;

    private readonly ProfileCatalog _catalog;
    private Cpu.ContextScope _scope;
    private ulong _src;
    private ulong _dst;
    private ulong _poisonedSrc;
    private Page _srcPage = null!;
    private Page _dstPage = null!;
    private Page _poisonedPage = null!;

    /// <summary>Boots a machine of <paramref name="profile"/> with the buffers in place.</summary>
    /// <param name="catalog">The registered profiles.</param>
    /// <param name="profile">The profile name.</param>
    /// <param name="length">Bytes per copy, 1 .. 4 MiB.</param>
    /// <param name="poisonOffset">Byte offset in the poisoned source whose line holds the poison (default: the middle line of the first page).</param>
    /// <exception cref="ArgumentException">Unknown profile, or a length or offset out of range.</exception>
    public CopyWorkload(ProfileCatalog catalog, string profile, int length = PhysicalMemory.PageSize, int poisonOffset = PhysicalMemory.PageSize / 2)
    {
        catalog.Get(profile);
        if (length is < 1 or > 1 << 22)
        {
            throw new ArgumentException($"invalid copy length {length}: valid lengths are 1..{1 << 22}");
        }

        if (poisonOffset < 0 || poisonOffset >= length)
        {
            throw new ArgumentException($"invalid poison offset {poisonOffset}: valid offsets are 0..{length - 1}");
        }

        _catalog = catalog;
        Profile = profile;
        Length = length;
        PoisonOffset = poisonOffset;
        Machine = Boot();
    }

    /// <summary>The profile.</summary>
    public string Profile { get; }

    /// <summary>Bytes per copy.</summary>
    public int Length { get; }

    /// <summary>Offset of the poisoned byte in the poisoned source.</summary>
    public int PoisonOffset { get; }

    /// <summary>The machine the copies run on (replaced by <see cref="Reboot"/>).</summary>
    public Machine Machine { get; private set; }

    /// <summary>
    /// The baseline: Span&lt;byte&gt;.CopyTo of <see cref="Length"/> bytes from the source's frames to the destination's,
    /// <paramref name="n"/> times. A copy within one frame takes the two spans once per call of this method.
    /// </summary>
    public void SpanCopyTo(int n)
    {
        var memory = Machine.Memory;
        if (Length <= PhysicalMemory.PageSize)
        {
            var source = memory.FrameForRead(_srcPage.Pfn)[..Length];
            var destination = memory.FrameForWrite(_dstPage.Pfn);
            for (var i = 0; i < n; i++)
            {
                source.CopyTo(destination);
            }

            return;
        }

        for (var i = 0; i < n; i++)
        {
            for (var done = 0; done < Length; done += PhysicalMemory.PageSize)
            {
                var page = (ulong)(done >> PhysicalMemory.PageShift);
                memory.FrameForRead(_srcPage.Pfn + page)[..Math.Min(PhysicalMemory.PageSize, Length - done)].CopyTo(memory.FrameForWrite(_dstPage.Pfn + page));
            }
        }
    }

    /// <summary>copy_mc_to_kernel() of the clean source, <paramref name="n"/> times; returns the last result (0).</summary>
    public ulong CopyMcToKernel(int n)
    {
        var copy = Machine.Arch.CopyMc;
        var left = 0UL;
        for (var i = 0; i < n; i++)
        {
            left = copy.CopyMcToKernel(_dst, _src, (ulong)Length);
        }

        return left;
    }

    /// <summary>copy_mc_highpage() of the clean first source page, <paramref name="n"/> times; returns the last result (0).</summary>
    public int CopyMcHighpage(int n)
    {
        var ret = 0;
        for (var i = 0; i < n; i++)
        {
            ret = Highmem.CopyMcHighpage(Machine, _dstPage, _srcPage);
        }

        return ret;
    }

    /// <summary>
    /// copy_mc_to_kernel() of the poisoned source, <paramref name="n"/> times, each as a kernel path that may die;
    /// returns the last outcome. On a profile that recovers it returns the bytes not copied.
    /// </summary>
    public KernelRun<ulong> CopyMcToKernelPoisoned(int n)
    {
        var copy = Machine.Arch.CopyMc;
        KernelRun<ulong>? run = null;
        for (var i = 0; i < n; i++)
        {
            run = Machine.Run(() => copy.CopyMcToKernel(_dst, _poisonedSrc, (ulong)Length));
        }

        return run ?? throw new ArgumentOutOfRangeException(nameof(n), n, "at least one copy");
    }

    /// <summary>copy_mc_highpage() of the poisoned first source page, <paramref name="n"/> times, each as a kernel path that may die.</summary>
    public KernelRun<int> CopyMcHighpagePoisoned(int n)
    {
        KernelRun<int>? run = null;
        for (var i = 0; i < n; i++)
        {
            run = Machine.Run(() => Highmem.CopyMcHighpage(Machine, _dstPage, _poisonedPage));
        }

        return run ?? throw new ArgumentOutOfRangeException(nameof(n), n, "at least one copy");
    }

    /// <summary>
    /// Runs the memory-failure worker for what the poisoned copies queued (copy_mc_highpage's memory_failure_queue,
    /// GHES on arm64), as the kernel's worker would between two copies: memory_failure_queue() keeps 16 entries per
    /// CPU and every further call would print the overflow line. Returns the entries handled.
    /// </summary>
    public int RunQueuedMemoryFailures()
    {
        var queue = Hwpoison.MemoryFailureHandler.Of(Machine)?.Queue;
        return queue is null ? 0 : Machine.Run(queue.RunPending).Value;
    }

    /// <summary>
    /// A fresh machine with the same buffers: the poisoned copies leave trap records, console lines and queued
    /// failures behind (and may kill the kernel), so a measurement starts again from a booted machine.
    /// </summary>
    public void Reboot()
    {
        _scope.Dispose();
        Machine = Boot();
    }

    /// <inheritdoc />
    public void Dispose() => _scope.Dispose();

    private Machine Boot()
    {
        var machine = _catalog.Boot(Profile, new MachineConfig { MemoryBytes = MachineBytes, Seed = 1 });
        var task = machine.Tasks.CreateProcess("bench");
        _scope = machine.CurrentCpu.Enter(task, CpuMode.Kernel);
        var order = Order(Length);
        var src = Fill(machine, order);
        var dst = Fill(machine, order);
        var poisoned = Fill(machine, order);
        machine.Memory.InjectPoison(poisoned.PhysAddr + (ulong)PoisonOffset);
        (_srcPage, _dstPage, _poisonedPage) = (src, dst, poisoned);
        (_src, _dst, _poisonedSrc) = (machine.PageAddress(src), machine.PageAddress(dst), machine.PageAddress(poisoned));
        return machine;
    }

    private static int Order(int length)
    {
        var order = 0;
        while ((PhysicalMemory.PageSize << order) < length)
        {
            order++;
        }

        return order;
    }

    // A folio whose frames all exist (written once), so a copy moves real bytes.
    private static Page Fill(Machine machine, int order)
    {
        var folio = machine.Allocator.AllocFolio(order) ?? throw new InvalidOperationException("the bench machine ran out of memory");
        for (ulong i = 0; i < folio.NrPages; i++)
        {
            machine.Memory.FrameForWrite(folio.Pfn + i).Fill(0x5a);
        }

        return folio.Head;
    }
}
