namespace KernelModel.Mm.Tests.Page;

public sealed class KsmStableNodeTests
{
    [Fact]
    public void AddRmapItem_SameAddressTwice_KeepsOneRmapItem()
    {
        var task = new TaskList().CreateProcess("vm");
        var vma = task.Mm!.Mmap(4096, VmFlags.Read | VmFlags.Write | VmFlags.Mergeable);
        var node = new KsmStableNode();

        node.AddRmapItem(vma, vma.Start);
        node.AddRmapItem(vma, vma.Start);

        Assert.Equal([(vma, vma.Start)], node.RmapItems);
    }

    [Fact]
    public void Compaction_KsmPageWhoseMapperBrokeCowAndMergedAgain_LeavesNoMigrationEntry()
    {
        var machine = new Machine(new MachineConfig { MemoryBytes = 256UL << 20, ReservedBytes = 0 }, m => new GenericArchitecture(m));
        var tasks = Enumerable.Range(0, 3).Select(i => machine.Tasks.CreateProcess($"vm{i}")).ToArray();
        var vmas = tasks.Select(t => t.Mm!.Mmap(4096, VmFlags.Read | VmFlags.Write | VmFlags.Mergeable)).ToArray();
        var same = Enumerable.Repeat((byte)0x42, 4096).ToArray();
        for (var i = 0; i < 3; i++)
        {
            UserAccess.Write(machine, tasks[i], vmas[i].Start, same);
        }

        Ksm.KsmdScan(machine);
        UserAccess.Write(machine, tasks[1], vmas[1].Start, same);
        Ksm.KsmdScan(machine);
        var pfn = tasks[0].Mm!.PageTable.Walk(vmas[0].Start).Entry.Pfn;

        Compaction.CompactZone(machine, machine.Allocator.Zones[0], pfn, pfn + 1);

        var entries = tasks.Select((t, i) => t.Mm!.PageTable.Walk(vmas[i].Start).Entry).ToArray();
        Assert.All(entries, e => Assert.True(e.IsPresent));
        Assert.Single(entries.Select(e => e.Pfn).Distinct());
        var page = machine.Memory.PfnToPage(entries[0].Pfn);
        Assert.Equal((3, 3), (page.MapCount, page.RefCount));
    }
}
