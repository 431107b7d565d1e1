using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation.Fleet.Consumers;

/// <summary>
/// Kernel samepage merging. <c>swapin</c>: two processes' identical pages merged by ksmd and swapped out; the first
/// process swaps the page back in, the poison lands in that swap-cache page, and the second process's swap-in must
/// copy it for its own anon_vma (ksm_might_need_to_copy with copy_mc_user_highpage). <c>scan</c>: ksmd compares
/// a poisoned candidate page with memcmp_pages, a plain load.
/// </summary>
public sealed class KsmPages : MachineConsumer
{
    /// <inheritdoc />
    public override string Id => "ksm";

    /// <inheritdoc />
    public override string Summary => "KSM: swap-in copy of a merged page (ksm_might_need_to_copy), or ksmd comparing pages";

    /// <inheritdoc />
    public override IReadOnlyList<string> Placements => ["swapin", "scan"];

    /// <inheritdoc />
    public override void Consume(ScenarioContext context, string placement)
    {
        var machine = context.Machine;
        var a = machine.Tasks.CreateProcess("qemu-a");
        var b = machine.Tasks.CreateProcess("qemu-b");
        var vmaA = a.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write | VmFlags.Mergeable);
        var vmaB = b.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write | VmFlags.Mergeable);
        Touch(machine, a, vmaA.Start);
        Touch(machine, b, vmaB.Start);
        if (placement == "scan")
        {
            context.PoisonLine(PageAt(machine, b, vmaB.Start), PoisonOffset);
            context.Result = $"merged {Ksm.KsmdScan(machine)}";
            return;
        }

        Ksm.KsmdScan(machine);
        Vmscan.ReclaimFolio(machine, PageAt(machine, a, vmaA.Start).Folio);
        UserAccess.Read(machine, a, vmaA.Start, new byte[8]);
        context.PoisonLine(PageAt(machine, a, vmaA.Start), PoisonOffset);
        UserAccess.Read(machine, b, vmaB.Start, new byte[8]);
    }
}
