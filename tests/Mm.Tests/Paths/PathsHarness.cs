using Moq;

namespace KernelModel.Mm.Tests.Paths;

using Page = KernelModel.Mm.Page;

/// <summary>
/// A machine for the path tests. Its memory-failure handler is always a strict Moq mock (queueing is verified
/// exactly). Its architecture is either a strict Moq mock with ARCH_HAS_COPY_MC, whose copy_mc_to_kernel is a test
/// double that copies up to the first poisoned line and returns the bytes not copied (optionally with an arm64-style
/// highpage override), or the real generic profile (no copy_mc: consumption kills the kernel).
/// </summary>
internal sealed class PathsHarness
{
    public const ulong PageOffset = 0xffff_0000_0000_0000;
    public const ulong TaskSize = 0x0000_8000_0000_0000;
    public const int PageSize = PhysicalMemory.PageSize;

    private Machine? _machine;

    private PathsHarness(MachineConfig config, bool copyMc, Mock<IArchHighpageCopy>? highpageOverride)
    {
        MemoryFailure.Setup(m => m.MemoryFailureQueue(It.IsAny<ulong>(), It.IsAny<MfFlags>()));
        MemoryFailure.Setup(m => m.MemoryFailure(It.IsAny<ulong>(), It.IsAny<MfFlags>())).Returns(0);
        HighpageOverride = highpageOverride;
        if (copyMc)
        {
            CopyMc.SetupGet(c => c.HasArchCopyMc).Returns(true);
            CopyMc.SetupGet(c => c.HighpageOverride).Returns(highpageOverride?.Object);
            CopyMc.Setup(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>()))
                .Returns((ulong dst, ulong src, ulong len) => FakeCopyMcToKernel(dst, src, len));
            Arch.SetupGet(a => a.Name).Returns("mock-copy-mc");
            Arch.SetupGet(a => a.CopyMc).Returns(CopyMc.Object);
            Arch.SetupGet(a => a.Trap).Returns(Trap.Object);
            Arch.SetupGet(a => a.PageOffset).Returns(PageOffset);
            Arch.SetupGet(a => a.TaskSize).Returns(TaskSize);
            _machine = new Machine(config, m =>
            {
                _machine = m;
                return Arch.Object;
            }, _ => MemoryFailure.Object);
        }
        else
        {
            _machine = new Machine(config, m => new GenericArchitecture(m), _ => MemoryFailure.Object);
        }
    }

    public Machine Machine => _machine!;

    public Mock<IArchitecture> Arch { get; } = new(MockBehavior.Strict);

    public Mock<IArchCopyMc> CopyMc { get; } = new(MockBehavior.Strict);

    public Mock<IArchTrap> Trap { get; } = new(MockBehavior.Strict);

    public Mock<IMemoryFailure> MemoryFailure { get; } = new(MockBehavior.Strict);

    public Mock<IArchHighpageCopy>? HighpageOverride { get; }

    /// <summary>A profile with copy_mc_to_kernel (the mock).</summary>
    public static PathsHarness WithCopyMc(MmOptions? options = null, int hugepages2M = 0, int hugepages1G = 0, ulong memory = 1UL << 30, int nodes = 1,
        Mock<IArchHighpageCopy>? highpageOverride = null) =>
        new(Config(options, hugepages2M, hugepages1G, memory, nodes), copyMc: true, highpageOverride);

    /// <summary>The generic profile (no ARCH_HAS_COPY_MC).</summary>
    public static PathsHarness Generic(MmOptions? options = null, int hugepages2M = 0, ulong memory = 1UL << 30) =>
        new(Config(options, hugepages2M, 0, memory, 1), copyMc: false, null);

    public TaskStruct Process(string comm) => Machine.Tasks.CreateProcess(comm);

    /// <summary>A private anonymous read-write mapping of <paramref name="pages"/> pages.</summary>
    public static Vma MapAnon(TaskStruct task, int pages, VmFlags extra = VmFlags.None, ulong align = PageSize) =>
        task.Mm!.Mmap((ulong)pages * PageSize, VmFlags.Read | VmFlags.Write | extra, align: align);

    /// <summary>Writes <paramref name="length"/> bytes of <paramref name="value"/> as the task; asserts it completed.</summary>
    public void Fill(TaskStruct task, ulong va, byte value, int length = PageSize)
    {
        var result = UserAccess.Write(Machine, task, va, Enumerable.Repeat(value, length).ToArray());
        Assert.Equal(UserAccessOutcome.Completed, result.Outcome);
    }

    public static Pte PteAt(TaskStruct task, ulong va) => task.Mm!.PageTable.Walk(va).Entry;

    public Page PageAt(TaskStruct task, ulong va)
    {
        var (pte, level) = task.Mm!.PageTable.Walk(va);
        Assert.True(pte.IsPresent, $"nothing present at {va:x}");
        return Machine.Memory.PfnToPage(pte.Pfn + ((va & ((1UL << (int)level) - 1)) >> PhysicalMemory.PageShift));
    }

    /// <summary>Latent poison in the line holding byte <paramref name="offset"/> of the page.</summary>
    public void Poison(Page page, int offset = 0x140) => Machine.Memory.InjectPoison(page.PhysAddr + (ulong)offset);

    public void VerifyQueued(ulong pfn) => MemoryFailure.Verify(m => m.MemoryFailureQueue(pfn, MfFlags.None), Times.Once);

    public void VerifyQueuedExactly(params ulong[] pfns)
    {
        foreach (var pfn in pfns.Distinct())
        {
            MemoryFailure.Verify(m => m.MemoryFailureQueue(pfn, MfFlags.None), Times.Exactly(pfns.Count(p => p == pfn)));
        }

        MemoryFailure.Verify(m => m.MemoryFailureQueue(It.IsAny<ulong>(), It.IsAny<MfFlags>()), Times.Exactly(pfns.Length));
    }

    public void VerifyNothingQueued() => MemoryFailure.Verify(m => m.MemoryFailureQueue(It.IsAny<ulong>(), It.IsAny<MfFlags>()), Times.Never);

    public string[] ConsoleText() => Machine.Log.Lines.Select(l => l.Text).ToArray();

    private static MachineConfig Config(MmOptions? options, int hugepages2M, int hugepages1G, ulong memory, int nodes) => new()
    {
        MemoryBytes = memory,
        Nodes = nodes,
        Seed = 1,
        Hugepages2M = hugepages2M,
        Hugepages1G = hugepages1G,
        Mm = options ?? new MmOptions(),
    };

    // A copy_mc_to_kernel test double: copies up to the first poisoned line of the source and returns the bytes not copied.
    private ulong FakeCopyMcToKernel(ulong dst, ulong src, ulong len)
    {
        var memory = Machine.Memory;
        var spa = src - PageOffset;
        var copied = memory.FirstPoisonedByte(spa, len) is { } bad ? bad - spa : len;
        var bytes = new byte[copied];
        memory.Read(spa, bytes);
        memory.Write(dst - PageOffset, bytes);
        return len - copied;
    }
}
