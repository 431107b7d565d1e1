
namespace KernelModel.Arch.RiscV.Tests.Asm;

/// <summary>
/// Test double of the RISC-V trap (the backend's RiscVTrap is not in this branch): in kernel mode a site with any
/// exception-table entry is fixed up, with no type check (arch-copy-mc.md 5.8); otherwise the kernel dies.
/// </summary>
internal sealed class FixupAnyEntryTrapDouble(Machine machine, ExceptionTable extable) : IArchTrap
{
    public TrapDecision HardwareError(Cpu cpu, HardwareErrorEvent error) => FixupOrDie(cpu, error.Site);

    public TrapDecision KernelPageFault(Cpu cpu, PageFaultEvent fault) => FixupOrDie(cpu, fault.Site);

    public bool IsRecoverable(ExtableEntry entry) => true;

    private TrapDecision FixupOrDie(Cpu cpu, CodeSite site) =>
        extable.Search(site) is { } entry ? TrapDecision.Fixup(entry) : throw machine.Die(cpu, n => $"test double: no fixup for {site} [#{n}]");

    public static IArchTrap Create(Machine machine, ExceptionTable extable) => new FixupAnyEntryTrapDouble(machine, extable);
}
