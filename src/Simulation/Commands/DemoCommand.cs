using System.CommandLine;
using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel</c> with no arguments: a short demonstration on the generic fallback. A kernel copy of a clean
/// page succeeds; the same copy after one line of the source page is poisoned kills the kernel, which with
/// kernel.panic_on_oops=1 (the usual fleet setting) panics the machine. The console lines are printed.
/// </summary>
public sealed class DemoCommand(ConsoleStreams console, ProfileCatalog profiles) : IKmodelCommand
{
    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var seed = new Option<int>("--seed") { Description = "seed of the run", DefaultValueFactory = _ => 1 };
        root.Options.Add(seed);
        root.SetAction(parse => Run(parse.GetValue(seed)));
    }

    /// <summary>Runs the demonstration; returns the exit code.</summary>
    public int Run(int seed)
    {
        var o = console.Out;
        var machine = profiles.Boot(GenericArchitecture.ProfileName, new MachineConfig { MemoryBytes = 1UL << 30, Seed = seed });
        machine.Sysctl.Set("kernel.panic_on_oops", "1");
        var task = machine.Tasks.CreateProcess("demo");
        var src = machine.Allocator.AllocFolio(0)!.Value;
        var dst = machine.Allocator.AllocFolio(0)!.Value;
        var data = machine.Memory.FrameForWrite(src.Pfn);
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 7);
        }

        o.WriteLine("kmodel: profile 'generic' (no ARCH_HAS_COPY_MC), 1 GiB, kernel.panic_on_oops=1");
        o.WriteLine();
        var copy = machine.Arch.CopyMc;
        var cpu = machine.CurrentCpu;
        using (cpu.Enter(task, CpuMode.Kernel))
        {
            var clean = machine.Run(() => copy.CopyMcToKernel(machine.PageAddress(dst.Head), machine.PageAddress(src.Head), PhysicalMemory.PageSize));
            var equal = machine.Memory.FrameForRead(src.Pfn).SequenceEqual(machine.Memory.FrameForRead(dst.Pfn));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"1. copy_mc_to_kernel(page {Printf.HashLx(dst.Pfn)} <- page {Printf.HashLx(src.Pfn)}, 4096) on a clean page: returned {clean.Value}, destination {(equal ? "equals" : "differs from")} source"));

            var poisoned = src.Head.PhysAddr + (3 * PhysicalMemory.LineSize);
            machine.Memory.InjectPoison(poisoned);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"2. latent poison injected in the line at physical address {Printf.HashLx(poisoned)}"));
            var bad = machine.Run(() => copy.CopyMcToKernel(machine.PageAddress(dst.Head), machine.PageAddress(src.Head), PhysicalMemory.PageSize));
            o.WriteLine(bad.Completed
                ? $"3. the same copy returned {bad.Value}"
                : $"3. the same copy consumed the poison in kernel mode: machine {(bad.Panicked ? "PANICKED" : "oopsed")} ({bad.DeathMessage})");
        }

        o.WriteLine();
        o.WriteLine("dmesg:");
        foreach (var line in machine.Log.Dmesg())
        {
            o.WriteLine("  " + line);
        }

        o.WriteLine();
        o.WriteLine("Run 'kmodel --help' for the other commands.");
        return 0;
    }
}
