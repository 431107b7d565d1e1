using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// ACPI EINJ through /sys/kernel/debug/apei/einj/ (drivers/acpi/apei/einj-core.c): set error_type, flags,
/// param1 (physical address) and param2 (address mask), then write error_inject. The model platform offers the
/// memory types: 0x10 (uncorrectable non-fatal) and 0x20 (uncorrectable fatal) poison the 64-byte line at param1;
/// with notrigger=1 nothing else happens (the poison is latent until a load consumes it or the patrol scrubber
/// finds it); with notrigger=0 the platform's trigger reads the line and firmware reports it asynchronously through
/// GHES (model assumption: recoverable for 0x10, fatal for 0x20). 0x8 (correctable) poisons nothing; its trigger
/// reports a corrected error.
/// </summary>
public sealed class Einj(Machine machine)
{
    /// <summary>ACPI_EINJ_MEMORY_CORRECTABLE.</summary>
    public const uint MemoryCorrectable = 0x08;

    /// <summary>ACPI_EINJ_MEMORY_UNCORRECTABLE (non-fatal).</summary>
    public const uint MemoryUncorrectable = 0x10;

    /// <summary>ACPI_EINJ_MEMORY_FATAL.</summary>
    public const uint MemoryFatal = 0x20;

    /// <summary>SETWA_FLAGS_APICID (flags bit 0: param3 valid).</summary>
    public const uint FlagApicId = 0x1;

    /// <summary>SETWA_FLAGS_MEM (flags bit 1: param1/param2 valid).</summary>
    public const uint FlagMem = 0x2;

    /// <summary>SETWA_FLAGS_PCIE_SBDF (flags bit 2: param4 valid).</summary>
    public const uint FlagPcieSbdf = 0x4;

    private static readonly (uint Type, string Name)[] Available =
    [
        (MemoryCorrectable, "Memory Correctable"),
        (MemoryUncorrectable, "Memory Uncorrectable non-fatal"),
        (MemoryFatal, "Memory Uncorrectable fatal"),
    ];

    /// <summary>error_type.</summary>
    public uint ErrorType { get; private set; }

    /// <summary>flags.</summary>
    public uint Flags { get; private set; }

    /// <summary>param1: the physical address.</summary>
    public ulong Param1 { get; private set; }

    /// <summary>param2: the address mask.</summary>
    public ulong Param2 { get; private set; }

    /// <summary>notrigger.</summary>
    public uint NoTrigger { get; private set; }

    /// <summary>The files, as ls shows them.</summary>
    public static IReadOnlyList<string> Files { get; } = ["available_error_type", "error_type", "error_inject", "flags", "param1", "param2", "notrigger"];

    /// <summary>available_error_type as read(2) returns it: "0x%08x\t%s\n" per type.</summary>
    [KernelSymbol("drivers/acpi/apei/einj-core.c", "available_error_type_show")]
    public static string AvailableErrorType => string.Concat(Available.Select(a => string.Create(CultureInfo.InvariantCulture, $"0x{a.Type:x8}\t{a.Name}\n")));

    /// <summary>A write to one of the files: 0 or a negative errno. Writing error_inject performs the injection.</summary>
    public int Write(string file, string value)
    {
        if (!Files.Contains(file) || file == "available_error_type")
        {
            return -Errno.ENOENT;
        }

        if (Kstrtoull.Parse(value, out var v) != 0)
        {
            return -Errno.EINVAL;
        }

        switch (file)
        {
            case "error_type":
                if (v > uint.MaxValue || !Available.Any(a => a.Type == v))
                {
                    return -Errno.EINVAL;
                }

                ErrorType = (uint)v;
                return 0;
            case "flags":
                Flags = (uint)v;
                return 0;
            case "param1":
                Param1 = v;
                return 0;
            case "param2":
                Param2 = v;
                return 0;
            case "notrigger":
                NoTrigger = (uint)v;
                return 0;
            default:
                return ErrorInject();
        }
    }

    /// <summary>
    /// einj_error_inject(): flags must be known; a memory error with an address needs a mask of page size or finer
    /// and an address in system RAM (-EINVAL otherwise); then the platform injects and, unless notrigger, triggers.
    /// </summary>
    [KernelSymbol("drivers/acpi/apei/einj-core.c", "einj_error_inject")]
    private int ErrorInject()
    {
        if (ErrorType == 0 || (Flags & ~(FlagApicId | FlagMem | FlagPcieSbdf)) != 0)
        {
            return -Errno.EINVAL;
        }

        if (Flags != 0 && (Flags & FlagMem) == 0)
        {
            return -Errno.EINVAL;
        }

        if (Param2 != 0)
        {
            var mask = ~(ulong)(PhysicalMemory.PageSize - 1);
            if ((Param2 & mask) != mask || (Param1 & Param2) >= machine.Memory.Size)
            {
                return -Errno.EINVAL;
            }
        }
        else if (Param1 >= machine.Memory.Size)
        {
            return -Errno.EINVAL;
        }

        if (ErrorType != MemoryCorrectable)
        {
            machine.Memory.InjectPoison(Param1);
        }

        if (NoTrigger == 0)
        {
            Trigger();
        }

        return 0;
    }

    // The trigger action: the platform touches the line and firmware-first reports what it found through GHES.
    private void Trigger()
    {
        var (severity, status) = ErrorType switch
        {
            MemoryCorrectable => (CperSeverity.Corrected, CperRecordBuilder.StatusDramStorage),
            MemoryUncorrectable => (CperSeverity.Recoverable, CperRecordBuilder.StatusDramStorage),
            _ => (CperSeverity.Fatal, CperRecordBuilder.StatusDramStorage),
        };
        var record = CperRecordBuilder.PlatformMemoryError(Param1, machine.Memory.NodeOf(Param1 >> PhysicalMemory.PageShift),
            severity, status, CperSectionFlags.Primary);
        if (machine.Ghes is Ghes ghes)
        {
            ghes.Process(record, GhesNotify.Async);
        }
    }
}
