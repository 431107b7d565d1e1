using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// unpoison: root poisons a free page through the hwpoison_inject debugfs file corrupt-pfn ("Injecting memory
/// failure at pfn %#lx", memory_failure(pfn, MF_SW_SIMULATED): the page is taken off the buddy lists, "free buddy
/// page" Recovered), then undoes it by writing the same pfn to unpoison-pfn: the poison was simulated, so
/// unpoison_memory puts the page back on the buddy lists ("Unpoison: %#lx: software-unpoisoned page";
/// kernel-paths.md 10i, interfaces.md 5.2). Both writes return the bytes written. The same on every profile.
/// </summary>
public sealed class Unpoison : Scenario
{
    /// <inheritdoc />
    public override string Id => "unpoison";

    /// <inheritdoc />
    public override string Summary => "hwpoison_inject corrupt-pfn on a free page, then unpoison-pfn: software-unpoisoned, back in the buddy allocator";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var root = machine.Tasks.CreateProcess("hwpoison-test");
        root.Capabilities.Add(Capability.SysAdmin);
        var folio = machine.Allocator.AllocFolio(0)!.Value;
        var pfn = folio.Pfn;
        machine.PutFolio(folio);
        context.Set("root", root);
        context.Set("pfn", Printf.HashLx(pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => Write(context, "corrupt-pfn");

    /// <inheritdoc />
    public override void Act(ScenarioContext context) => Write(context, "unpoison-pfn");

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Syscalls = [("write", 6), ("write", 6)],
        Signals = [],
        Queued = 0,
        MemoryFailures = [("free buddy page", MfResult.Recovered)],
    };

    // write(2) of "0x.....\n" to a debugfs file: the attribute's store returns the count written, or -errno.
    private static void Write(ScenarioContext context, string file)
    {
        var buf = context.Get<string>("pfn") + "\n";
        var ret = new HwpoisonInject(context.Machine).Write(context.Get<TaskStruct>("root"), file, buf);
        context.Syscall("write", ret == 0 ? buf.Length : ret);
    }
}
