using KernelModel.Arch.RiscV.Asm;

namespace KernelModel.Arch.RiscV.Tests.Asm;

/// <summary>Assembles small original snippets and runs them on a machine whose architecture is the assembled code.</summary>
internal sealed class AsmTestbed
{
    public const string File = "arch/riscv/lib/test.S";

    private AsmTestbed(AsmRoutine routine)
    {
        Routine = routine;
        Machine = Boot(routine);
        Task = Machine.Tasks.CreateProcess("asmtest");
        var page = Machine.Allocator.AllocFolio(1) ?? throw new InvalidOperationException("no memory");
        BufferPhys = page.Head.PhysAddr;
        Buffer = Machine.PhysToVirt(BufferPhys);
    }

    public AsmRoutine Routine { get; }

    public Machine Machine { get; }

    public TaskStruct Task { get; }

    /// <summary>Two pages of kernel memory (linear map).</summary>
    public ulong Buffer { get; }

    public ulong BufferPhys { get; }

    /// <summary>An address in the kernel range that does not translate (past the end of the linear map).</summary>
    public ulong Unmapped => Machine.Arch.PageOffset + Machine.Memory.Size;

    public static Machine Boot(AsmRoutine routine) =>
        new(new MachineConfig { MemoryBytes = 128UL << 20, Cpus = 1 }, m => new AsmArchitecture(m, routine, FixupAnyEntryTrapDouble.Create));

    /// <summary>Preprocesses and assembles <paramref name="source"/> as file <see cref="File"/>; other files may be included by name.</summary>
    public static AsmProgram Assemble(string source, int xlen = 64, params (string Name, string Text)[] files)
    {
        var target = AsmTarget.ForXlen(xlen);
        var preprocessor = new Preprocessor(target, (name, angled, includer, at) =>
            files.Where(f => f.Name == name).Select(f => SourceText.FromText(f.Name, f.Text)).FirstOrDefault()
            ?? ModelHeaders.Find(name, target)
            ?? throw new AsmException(at, $"test: no include {name}"));
        var lines = preprocessor.Run(SourceText.FromText(File, source));
        return new Assembler(target).Assemble(lines, preprocessor.Notes);
    }

    /// <summary>A testbed for function <c>f</c> whose body is <paramref name="body"/> (it must end in ret).</summary>
    public static AsmTestbed Function(string body, int xlen = 64) =>
        new(Assemble($"#include <linux/linkage.h>\n#include <asm/asm-extable.h>\nSYM_FUNC_START(f)\n{body}\nSYM_FUNC_END(f)\n", xlen).Routine("f"));

    /// <summary>Runs the function in kernel mode with the given arguments.</summary>
    public AsmCall Call(params ulong[] arguments)
    {
        using (Machine.CurrentCpu.Enter(Task, CpuMode.Kernel))
        {
            return new AsmInterpreter(Machine, Routine.Program).Call(Routine, arguments);
        }
    }

    /// <summary>Runs the function inside <see cref="Machine.Run{T}"/>, so a kernel death is an outcome.</summary>
    public KernelRun<AsmCall> Run(params ulong[] arguments)
    {
        using (Machine.CurrentCpu.Enter(Task, CpuMode.Kernel))
        {
            return Machine.Run(() => new AsmInterpreter(Machine, Routine.Program).Call(Routine, arguments));
        }
    }

    public void Write(int offset, params byte[] bytes) => Machine.Memory.Write(BufferPhys + (ulong)offset, bytes);

    public byte[] Read(int offset, int length)
    {
        var bytes = new byte[length];
        Machine.Memory.Read(BufferPhys + (ulong)offset, bytes);
        return bytes;
    }
}
