using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>Small generic-profile machines with this project's memory_failure and GHES plugged in.</summary>
internal static class TestMachine
{
    public static Machine Boot(HwpoisonOptions? options = null, int nodes = 1, int cpus = 2, int hugepages2M = 0, ulong memory = 1UL << 30) =>
        new(new MachineConfig { MemoryBytes = memory, Nodes = nodes, Cpus = cpus, Seed = 1, Hugepages2M = hugepages2M },
            m => new GenericArchitecture(m), m => new MemoryFailureHandler(m, options), m => new Ghes(m));

    public static MemoryFailureHandler Mf(this Machine machine) => MemoryFailureHandler.Of(machine)!;

    public static TargetPage Target(this Machine machine, TargetPageKind kind, int extraMappers = 0, int subpage = 0) =>
        new TargetPageBuilder(machine).Build(kind, extraMappers, subpage);

    /// <summary>Runs memory_failure as <paramref name="current"/> (null: a kernel thread) on CPU 0.</summary>
    public static int MemoryFailure(this Machine machine, ulong pfn, MfFlags flags, TaskStruct? current = null)
    {
        current ??= machine.Tasks.All.FirstOrDefault(t => t.Comm == "kworker/0:0") ?? machine.Tasks.CreateKthread("kworker/0:0");
        using (machine.CurrentCpu.Enter(current, CpuMode.Kernel))
        {
            var run = machine.Run(() => machine.Mf().MemoryFailure(pfn, flags));
            Assert.True(run.Completed, run.DeathMessage);
            return run.Value;
        }
    }

    public static IReadOnlyList<string> Texts(this Machine machine) => machine.Log.Lines.Select(l => l.Text).ToArray();

    public static string Dmesg(this Machine machine) => string.Join("\n", machine.Log.Dmesg()) + "\n";

    public static Pte PteAt(this TaskStruct task, ulong address) => task.Mm!.PageTable.Walk(address).Entry;
}
