using KernelModel.Mm;
using Moq;

namespace KernelModel.Arch.Arm64.Tests;

/// <summary>
/// The series' copy_mc_highpage / copy_mc_user_highpage: data through copy_mc_page, MTE tags through
/// mte_copy_mc_page_tags, -EFAULT on either failure, and no memory_failure_queue().
/// </summary>
public sealed class HighpageCopyTests
{
    private static readonly Arm64Options Mte = Arm64Options.Series with { Mte = true };

    [Fact]
    public void CopyMcHighpage_PoisonedSource_ReturnsEfaultAndQueuesNoMemoryFailure()
    {
        var memoryFailure = new Mock<IMemoryFailure>(MockBehavior.Strict);
        var m = Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes(), memoryFailure.Object);
        var (_, _, to, from) = Arm64Machines.Pages(m, 300);

        var run = m.RunInKernel(() => m.Arch.CopyMc.HighpageOverride!.CopyMcHighpage(to, from));

        Assert.Equal(-Errno.EFAULT, run.Value);
        memoryFailure.VerifyNoOtherCalls();
    }

    [Fact]
    public void CopyMcUserHighpage_PoisonedSource_ReturnsEfault()
    {
        var m = Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes());
        var (_, _, to, from) = Arm64Machines.Pages(m, 4000);
        var vma = m.Tasks.CreateProcess("cow").Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);

        var run = m.RunInKernel(() => m.Arch.CopyMc.HighpageOverride!.CopyMcUserHighpage(to, from, vma.Start, vma));

        Assert.Equal(-Errno.EFAULT, run.Value);
    }

    [Fact]
    public void HighmemCopyMcUserHighpage_ArchOverride_TracesTheArchitecturesFunctionsOnceEach()
    {
        var m = Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes());
        var (_, _, to, from) = Arm64Machines.Pages(m);
        var vma = m.Tasks.CreateProcess("cow").Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        m.Tracer.Enabled = true;

        var run = m.RunInKernel(() => Highmem.CopyMcUserHighpage(m, to, from, vma.Start, vma));

        // __HAVE_ARCH_COPY_MC_USER_HIGHPAGE: arm64's copy_mc_user_highpage calls its copy_mc_highpage; the generic
        // inline helpers are not compiled, so neither name appears twice.
        Assert.Equal(0, run.Value);
        Assert.Equal(["copy_mc_user_highpage() {", "  copy_mc_highpage() {", "  }", "}"], m.Tracer.Lines);
    }

    [Fact]
    public void HighmemCopyMcHighpage_ArchOverride_TracesCopyMcHighpageOnce()
    {
        var m = Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes());
        var (_, _, to, from) = Arm64Machines.Pages(m);
        m.Tracer.Enabled = true;

        var run = m.RunInKernel(() => Highmem.CopyMcHighpage(m, to, from));

        Assert.Equal(0, run.Value);
        Assert.Equal(["copy_mc_highpage() {", "}"], m.Tracer.Lines);
    }

    [Fact]
    public void CopyMcHighpage_TaggedSource_CopiesDataAndTags()
    {
        var m = Arm64Machines.Boot(Mte, new ClaimingGhes());
        var (_, _, to, from) = Arm64Machines.Pages(m);
        var tags = Tags(3);
        m.Arch().MteTags.SetPageTags(from, tags);
        m.Arch().MteTags.SetPageMteTagged(from);

        var run = m.RunInKernel(() => m.Arch.CopyMc.HighpageOverride!.CopyMcHighpage(to, from));

        Assert.Equal(0, run.Value);
        Assert.Equal(tags, m.Arch().MteTags.PageTags(to));
        Assert.True(m.Arch().MteTags.PageMteTagged(to));
        Assert.Equal(PageBytes(m, from), PageBytes(m, to));
    }

    [Fact]
    public void CopyMcHighpage_PoisonedTagStorage_ReturnsEfaultAfterTheDataCopyAndLeavesTheDestinationUntagged()
    {
        var m = Arm64Machines.Boot(Mte, new ClaimingGhes());
        var (_, _, to, from) = Arm64Machines.Pages(m);
        var storage = m.Arch().MteTags;
        storage.SetPageTags(from, Tags(5));
        storage.SetPageMteTagged(from);
        // The tags of the page's second half live in the second 64 bytes of its tag storage.
        m.Memory.InjectPoison(storage.TagPhysAddress(from.Pfn) + 64);

        var run = m.RunInKernel(() => m.Arch.CopyMc.HighpageOverride!.CopyMcHighpage(to, from));

        Assert.Equal(-Errno.EFAULT, run.Value);
        Assert.False(storage.PageMteTagged(to));
        Assert.Equal(PageBytes(m, from), PageBytes(m, to));
        var trap = Assert.Single(m.Traps);
        Assert.Equal(MteCopyMcPageTags.Ldgm, trap.Site);
        Assert.Equal(TrapOutcome.Fixup, trap.Outcome);
        // 64-byte LDGM blocks, 2 bytes of tags each: the first 32 blocks (the page's first half) were copied.
        Assert.Equal(Tags(5).Take(128), storage.PageTags(to).Take(128));
        Assert.All(storage.PageTags(to).Skip(128), t => Assert.Equal(0, t));
    }

    [Fact]
    public void MteCopyMcPageTags_PoisonedTagStorage_ReturnsEfault()
    {
        var m = Arm64Machines.Boot(Mte, new ClaimingGhes());
        var (dst, src, _, from) = Arm64Machines.Pages(m);
        m.Memory.InjectPoison(m.Arch().MteTags.TagPhysAddress(from.Pfn));

        var run = m.RunInKernel(() => m.Arch().MteCopyMcPageTags.Copy(dst, src));

        Assert.Equal(-Errno.EFAULT, run.Value);
    }

    [Fact]
    public void CopyMcHighpage_WithoutMte_CopiesNoTags()
    {
        var m = Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes());
        var (_, _, to, from) = Arm64Machines.Pages(m);
        m.Arch().MteTags.SetPageTags(from, Tags(7));
        m.Arch().MteTags.SetPageMteTagged(from);

        var run = m.RunInKernel(() => m.Arch.CopyMc.HighpageOverride!.CopyMcHighpage(to, from));

        Assert.Equal(0, run.Value);
        Assert.False(m.Arch().MteTags.PageMteTagged(to));
        Assert.All(m.Arch().MteTags.PageTags(to), t => Assert.Equal(0, t));
    }

    [Fact]
    public void CopyMcHighpage_TaggedHugetlbFolio_CopiesEverySubpagesTagsFromTheFirstPageOnly()
    {
        var m = new Machine(Arm64Machines.Config with { Hugepages2M = 2 }, mm => new Arm64Architecture(mm, Mte), ghes: _ => new ClaimingGhes());
        var h = m.Hugetlb.SizeToHstate(2UL << 20)!;
        var src = m.Hugetlb.AllocHugetlbFolio(h)!.Value;
        var dst = m.Hugetlb.AllocHugetlbFolio(h)!.Value;
        var storage = m.Arch().MteTags;
        storage.SetPageTags(src.PageAt(m.Memory, 511), Tags(9));
        storage.FolioSetHugetlbMteTagged(src);

        var fromSecond = m.RunInKernel(() => m.Arch.CopyMc.HighpageOverride!.CopyMcHighpage(dst.PageAt(m.Memory, 1), src.PageAt(m.Memory, 1)));
        var taggedAfterSecond = storage.FolioTestHugetlbMteTagged(dst);
        var fromFirst = m.RunInKernel(() => m.Arch.CopyMc.HighpageOverride!.CopyMcHighpage(dst.Head, src.Head));

        Assert.Equal(0, fromSecond.Value);
        Assert.False(taggedAfterSecond);
        Assert.Equal(0, fromFirst.Value);
        Assert.True(storage.FolioTestHugetlbMteTagged(dst));
        Assert.Equal(Tags(9), storage.PageTags(dst.PageAt(m.Memory, 511)));
    }

    [Fact]
    public void Upstream_HasNoHighpageOverride()
    {
        var m = Arm64Machines.Boot(Arm64Options.Upstream, new ClaimingGhes());

        Assert.Null(m.Arch.CopyMc.HighpageOverride);
    }

    private static byte[] Tags(int seed) => [.. Enumerable.Range(0, PhysicalMemory.PageSize / MteTagStorage.GranuleSize).Select(i => (byte)((i + seed) & 0xf))];

    private static byte[] PageBytes(Machine m, Page page)
    {
        var bytes = new byte[PhysicalMemory.PageSize];
        m.Memory.Read(page.PhysAddr, bytes);
        return bytes;
    }
}
