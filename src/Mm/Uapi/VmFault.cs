// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>
/// The fault handler's result bits, with the kernel's values (include/linux/mm_types.h, enum vm_fault_reason).
/// </summary>
[Flags]
[KernelSymbol("include/linux/mm_types.h", "vm_fault_reason")]
public enum VmFault : uint
{
    None = 0,
    Oom = 0x000001,
    Sigbus = 0x000002,
    Major = 0x000004,
    Hwpoison = 0x000010,
    HwpoisonLarge = 0x000020,
    Sigsegv = 0x000040,
    Nopage = 0x000100,
    Locked = 0x000200,
    Retry = 0x000400,
    Fallback = 0x000800,
    DoneCow = 0x001000,
    Needdsync = 0x002000,
    Completed = 0x004000,
    HindexMask = 0x0f0000,
}

/// <summary>Helpers over <see cref="VmFault"/> that the kernel spells as macros.</summary>
public static class VmFaultExtensions
{
    private static readonly (VmFault Bit, string Name)[] BitNames =
    [
        (VmFault.Oom, "VM_FAULT_OOM"), (VmFault.Sigbus, "VM_FAULT_SIGBUS"), (VmFault.Major, "VM_FAULT_MAJOR"),
        (VmFault.Hwpoison, "VM_FAULT_HWPOISON"), (VmFault.HwpoisonLarge, "VM_FAULT_HWPOISON_LARGE"),
        (VmFault.Sigsegv, "VM_FAULT_SIGSEGV"), (VmFault.Nopage, "VM_FAULT_NOPAGE"), (VmFault.Locked, "VM_FAULT_LOCKED"),
        (VmFault.Retry, "VM_FAULT_RETRY"), (VmFault.Fallback, "VM_FAULT_FALLBACK"), (VmFault.DoneCow, "VM_FAULT_DONE_COW"),
        (VmFault.Needdsync, "VM_FAULT_NEEDDSYNC"), (VmFault.Completed, "VM_FAULT_COMPLETED"),
    ];

    /// <summary>VM_FAULT_SET_HINDEX: the hstate index in bits 16..19.</summary>
    [KernelSymbol("include/linux/mm_types.h", "VM_FAULT_SET_HINDEX")]
    public static VmFault SetHindex(int hstateIndex) => (VmFault)((uint)hstateIndex << 16);

    /// <summary>VM_FAULT_GET_HINDEX: the hstate index a VM_FAULT_HWPOISON_LARGE result carries.</summary>
    [KernelSymbol("include/linux/mm_types.h", "VM_FAULT_GET_HINDEX")]
    public static int GetHindex(this VmFault fault) => (int)(((uint)fault >> 16) & 0xf);

    /// <summary>The kernel's spelling, e.g. "VM_FAULT_HWPOISON_LARGE|VM_FAULT_SET_HINDEX(1)".</summary>
    public static string ToKernelString(this VmFault fault)
    {
        if (fault == VmFault.None)
        {
            return "0";
        }

        var parts = BitNames.Where(b => (fault & b.Bit) != 0).Select(b => b.Name).ToList();
        if ((fault & VmFault.HindexMask) != 0)
        {
            parts.Add("VM_FAULT_SET_HINDEX(" + fault.GetHindex().ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
        }

        return string.Join('|', parts);
    }
}
