using KernelModel.Mm;
using Moq;

namespace KernelModel.Arch.X86.Tests;

/// <summary>Small x86-64 machines for tests, and a user page to poison.</summary>
internal static class X86Machines
{
    /// <summary>A 128 MiB machine of the x86 backend with <paramref name="options"/>; memory_failure is a mock returning 0 unless given.</summary>
    public static Machine Boot(X86Options? options = null, IMemoryFailure? memoryFailure = null) =>
        new(new MachineConfig { MemoryBytes = 128UL << 20, Seed = 1 }, m => new X86Architecture(m, options ?? new X86Options()),
            _ => memoryFailure ?? new Mock<IMemoryFailure>().Object);

    /// <summary>A machine with CONFIG_MEMORY_FAILURE=n (no handler plugged in).</summary>
    public static Machine BootWithoutMemoryFailure(X86Options? options = null) =>
        new(new MachineConfig { MemoryBytes = 128UL << 20, Seed = 1 }, m => new X86Architecture(m, options ?? new X86Options()));

    /// <summary>The backend of a machine.</summary>
    public static X86Architecture X86(this Machine machine) => (X86Architecture)machine.Arch;

    /// <summary>A process with <paramref name="pages"/> user pages mapped read-write, each filled with a pattern.</summary>
    public static (TaskStruct Task, ulong Uaddr, Folio Frame) UserPages(Machine machine, int pages = 1, string comm = "einj_mem_uc")
    {
        var task = machine.Tasks.CreateProcess(comm);
        var order = pages == 1 ? 0 : (int)Math.Ceiling(Math.Log2(pages));
        var folio = machine.Allocator.AllocFolio(order)!.Value;
        var vma = task.Mm!.Mmap((ulong)pages * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        for (var i = 0; i < pages; i++)
        {
            task.Mm.PageTable.Set(vma.Start + ((ulong)i * PhysicalMemory.PageSize), Pte.Present(folio.Pfn + (ulong)i, write: true));
            var frame = machine.Memory.FrameForWrite(folio.Pfn + (ulong)i);
            for (var b = 0; b < frame.Length; b++)
            {
                frame[b] = (byte)((b * 7) + i + 1);
            }
        }

        return (task, vma.Start, folio);
    }

    /// <summary>The console lines (text only).</summary>
    public static string[] Console(this Machine machine) => machine.Log.Lines.Select(l => l.Text).ToArray();
}
