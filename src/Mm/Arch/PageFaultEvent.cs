namespace KernelModel.Mm;

/// <summary>
/// A translation or permission fault: the address is not mapped (or not writable) for the access.
/// In kernel mode the architecture's fault handler tries the exception table, else the kernel oopses.
/// </summary>
/// <param name="Site">The faulting instruction.</param>
/// <param name="VirtualAddress">The address that did not translate.</param>
/// <param name="Mode">User or kernel mode.</param>
public sealed record PageFaultEvent(CodeSite Site, ulong VirtualAddress, CpuMode Mode);
