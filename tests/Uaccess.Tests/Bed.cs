using KernelModel.Hwpoison;
using KernelModel.Mm;
using KernelModel.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Uaccess.Tests;

/// <summary>A machine of a registered profile (with memory_failure and GHES), one process, and helpers to run kernel code as it.</summary>
internal sealed class Bed
{
    private static readonly ProfileCatalog Profiles = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services.GetRequiredService<ProfileCatalog>();

    public Bed(string profile)
    {
        Machine = Profiles.Boot(profile, new MachineConfig { MemoryBytes = 256UL << 20, Cpus = 1, ReservedBytes = 0, Hugepages2M = 1, Seed = 1 });
        Task = Machine.Tasks.CreateProcess("t");
    }

    /// <summary>Every registered profile.</summary>
    public static IEnumerable<string> AllProfiles => Profiles.All.Select(p => p.Name);

    /// <summary>The profiles whose kernel survives a consumption in copy_to_user or copy_from_user.</summary>
    public static readonly string[] Recovering = ["arm64", "riscv32", "riscv64", "riscv64-upstream"];

    public Machine Machine { get; }

    public TaskStruct Task { get; }

    public MemoryFailureHandler Mf => MemoryFailureHandler.Of(Machine)!;

    /// <summary>An anonymous read-write mapping of the task, written through (so present and dirty) unless <paramref name="touch"/> is false.</summary>
    public ulong UserBuffer(int pages = 1, bool touch = true, byte fill = 0x5a)
    {
        var vma = Task.Mm!.Mmap((ulong)pages * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        if (touch)
        {
            UserAccess.Write(Machine, Task, vma.Start, Enumerable.Repeat(fill, pages * PhysicalMemory.PageSize).ToArray());
        }

        return vma.Start;
    }

    /// <summary>The page a user address maps.</summary>
    public Page UserPage(ulong va) => Machine.Memory.PfnToPage(Task.Mm!.PageTable.Walk(va).Entry.Pfn);

    /// <summary>A kernel page filled with a pattern (byte i = i mod 251), and its linear-map address.</summary>
    public (Folio Folio, ulong Address) KernelPage(int order = 0)
    {
        var folio = Machine.Allocator.AllocFolio(order)!.Value;
        var bytes = Enumerable.Range(0, (int)folio.Size).Select(i => (byte)(i % 251)).ToArray();
        Machine.Memory.Write(folio.Head.PhysAddr, bytes);
        return (folio, Machine.PageAddress(folio.Head));
    }

    /// <summary>Poisons the line at <paramref name="offset"/> of a page.</summary>
    public void Poison(Page page, int offset) => Machine.Memory.InjectPoison(page.PhysAddr + (ulong)offset);

    /// <summary>Runs kernel code as the task.</summary>
    public KernelRun<T> InKernel<T>(Func<T> path)
    {
        using (Machine.CurrentCpu.Enter(Task, CpuMode.Kernel))
        {
            return Machine.Run(path);
        }
    }

    /// <summary>Runs a syscall of the task (it returns to user mode itself).</summary>
    public KernelRun<long> Syscall(Func<long> call) => Machine.Run(call);

    /// <summary>The bytes the task sees at an address.</summary>
    public byte[] UserBytes(ulong va, int length)
    {
        var data = new byte[length];
        UserAccess.Read(Machine, Task, va, data);
        return data;
    }

    /// <summary>The memory_failure queue worker runs (as the scenario runner settles).</summary>
    public int RunQueue() => Mf.Queue.RunPending();
}
