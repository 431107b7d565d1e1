using System.Globalization;

namespace KernelModel.Mm;

/// <summary>
/// The trap side of the generic profile: no machine-check recovery in kernel mode at all (the fallback's
/// premise), so a kernel-mode hardware error dies whatever the exception table says; a kernel page fault takes
/// an extable fixup if the site has one. User mode hands the frame to memory_failure with MF_ACTION_REQUIRED,
/// which signals the task.
/// </summary>
public sealed class GenericTrap(Machine machine, ExceptionTable extable) : IArchTrap
{
    /// <inheritdoc />
    public TrapDecision HardwareError(Cpu cpu, HardwareErrorEvent error)
    {
        if (error.Mode == CpuMode.User)
        {
            var ret = machine.MemoryFailureHandler.MemoryFailure(error.Pfn, MfFlags.ActionRequired);
            return TrapDecision.UserHandled(string.Create(CultureInfo.InvariantCulture, $"memory_failure(pfn {Printf.HashLx(error.Pfn)}, MF_ACTION_REQUIRED) = {ret}"));
        }

        throw machine.Die(cpu, n => string.Create(CultureInfo.InvariantCulture,
            $"Internal error: uncorrected hardware memory error at {Printf.HashLx(error.PhysicalAddress)} in {error.Site.Routine} [#{n}]"));
    }

    /// <inheritdoc />
    public TrapDecision KernelPageFault(Cpu cpu, PageFaultEvent fault)
    {
        if (extable.Search(fault.Site) is { } entry)
        {
            return TrapDecision.Fixup(entry);
        }

        machine.Log.Emerg(string.Create(CultureInfo.InvariantCulture, $"Unable to handle kernel paging request at virtual address {fault.VirtualAddress:x16}"));
        throw machine.Die(cpu, n => string.Create(CultureInfo.InvariantCulture, $"Oops [#{n}]"));
    }

    /// <inheritdoc />
    public bool IsRecoverable(ExtableEntry entry) => false;
}
