namespace KernelModel.Mm;

/// <summary>
/// A synchronous hardware memory error (x86 #MC, arm64 SEA, RISC-V hardware-error exception) raised by a
/// load that touched a poisoned line.
/// </summary>
/// <param name="Site">The load instruction.</param>
/// <param name="VirtualAddress">The address the load used.</param>
/// <param name="PhysicalAddress">The first poisoned byte the load touched.</param>
/// <param name="Mode">User or kernel mode when it happened.</param>
public sealed record HardwareErrorEvent(CodeSite Site, ulong VirtualAddress, ulong PhysicalAddress, CpuMode Mode)
{
    /// <summary>The poisoned page frame.</summary>
    public ulong Pfn => PhysicalAddress >> PhysicalMemory.PageShift;
}
