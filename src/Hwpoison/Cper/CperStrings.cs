using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>The strings drivers/firmware/efi/cper.c prints for CPER values.</summary>
public static class CperStrings
{
    [KernelSymbol("drivers/firmware/efi/cper.c", "severity_strs")]
    private static readonly string[] SeverityStrs = ["recoverable", "fatal", "corrected", "info"];

    [KernelSymbol("drivers/firmware/efi/cper.c", "mem_err_type_strs")]
    private static readonly string[] MemErrTypeStrs =
    [
        "unknown", "no error", "single-bit ECC", "multi-bit ECC", "single-symbol chipkill ECC", "multi-symbol chipkill ECC",
        "master abort", "target abort", "parity error", "watchdog timeout", "invalid address", "mirror Broken",
        "memory sparing", "scrub corrected error", "scrub uncorrected error", "physical memory map-out event",
    ];

    /// <summary>cper_severity_str().</summary>
    [KernelSymbol("drivers/firmware/efi/cper.c", "cper_severity_str")]
    public static string Severity(uint severity) => severity < SeverityStrs.Length ? SeverityStrs[severity] : "unknown";

    /// <summary>cper_mem_err_type_str().</summary>
    [KernelSymbol("drivers/firmware/efi/cper.c", "cper_mem_err_type_str")]
    public static string MemErrType(uint type) => type < MemErrTypeStrs.Length ? MemErrTypeStrs[type] : "unknown";

    /// <summary>cper_mem_err_status_str(): the meaning of error_status bits 8..15.</summary>
    [KernelSymbol("drivers/firmware/efi/cper.c", "cper_mem_err_status_str")]
    public static string MemErrStatus(ulong status) => ((status >> 8) & 0xff) switch
    {
        1 => "Error detected internal to the component",
        4 => "Storage error in DRAM memory",
        5 => "Storage error in TLB",
        6 => "Storage error in cache",
        7 => "Error in one or more functional units",
        8 => "Component failed self test",
        9 => "Overflow or undervalue of internal queue",
        16 => "Error detected in the bus",
        17 => "Virtual address not found on IO-TLB or IO-PDIR",
        18 => "Improper access error",
        19 => "Access to a memory address which is not mapped to any component",
        20 => "Loss of Lockstep",
        21 => "Response not associated with a request",
        22 => "Bus parity error - must also set the A, C, or D Bits",
        23 => "Detection of a protocol error",
        24 => "Detection of a PATH_ERROR",
        25 => "Bus operation timeout",
        26 => "A read was issued to data that has been poisoned",
        _ => "Reserved",
    };
}
