
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// copy_mc_to_kernel() of the patch, executed: the patch's asm/uaccess.h makes it a call of memcpy_mc(to, from, size),
/// so it runs the assembled routine with a0 = dst, a1 = src, a2 = len and returns a0 at <c>ret</c>. It does not take
/// <see cref="Cpu.TryCopyFast"/> first: running the patch's own instructions on clean copies too is what checks them.
/// </summary>
public sealed class AsmCopyMc : IArchCopyMc
{
    private readonly AsmInterpreter _interpreter;

    /// <summary>The copy on <paramref name="machine"/> through <paramref name="routine"/>.</summary>
    public AsmCopyMc(Machine machine, AsmRoutine routine)
    {
        Routine = routine;
        _interpreter = new AsmInterpreter(machine, routine.Program);
    }

    /// <summary>The routine that runs (<c>__memcpy_mc</c>).</summary>
    public AsmRoutine Routine { get; }

    /// <summary>What the latest call did (its faults, return value, instruction count), or null before the first.</summary>
    public AsmCall? LastCall { get; private set; }

    /// <summary>Whether consuming poison in the source can return: every load of the routine has an exception-table entry.</summary>
    public bool HasArchCopyMc => Routine.EveryLoadHasAnEntry;

    /// <inheritdoc />
    public IArchHighpageCopy? HighpageOverride => null;

    /// <summary>copy_mc_to_kernel(): memcpy_mc(dst, src, len), executed.</summary>
    [KernelSymbol("arch/riscv/include/asm/uaccess.h", "copy_mc_to_kernel")]
    [KernelSymbol("arch/riscv/lib/memcpy_mc.S", "memcpy_mc")]
    public ulong CopyMcToKernel(ulong dst, ulong src, ulong len)
    {
        LastCall = null;
        LastCall = _interpreter.Call(Routine, dst, src, len);
        return LastCall.A0;
    }

    /// <summary>
    /// copy_mc_to_user() is raw_copy_to_user() in the patch (arch/riscv/lib/uaccess.S), which the patch does not carry, so
    /// there is nothing of the patch to execute.
    /// </summary>
    /// <exception cref="InvalidOperationException">Always: only copy_mc_to_kernel runs patch code.</exception>
    public ulong CopyMcToUser(ulong udst, ulong src, ulong len) =>
        throw new InvalidOperationException("copy_mc_to_user is raw_copy_to_user (arch/riscv/lib/uaccess.S), which the patch does not carry; the assembled architecture runs copy_mc_to_kernel only");
}
