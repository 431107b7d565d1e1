using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// /sys/devices/system/memory/soft_offline_page and hard_offline_page (drivers/base/memory.c): write a physical
/// address (base 0) and the page holding it is soft-offlined or handed to memory_failure(pfn, MF_SW_SIMULATED).
/// Both need CAP_SYS_ADMIN.
/// </summary>
public static class MemoryOffline
{
    /// <summary>The two files.</summary>
    public static IReadOnlyList<string> Files { get; } = ["soft_offline_page", "hard_offline_page"];

    /// <summary>The store: the byte count written on success, else a negative errno.</summary>
    [KernelSymbol("drivers/base/memory.c", "soft_offline_page_store")]
    [KernelSymbol("drivers/base/memory.c", "hard_offline_page_store")]
    public static long Store(Machine machine, TaskStruct writer, string file, string buf)
    {
        if (MemoryFailureHandler.Of(machine) is not { } mf || !Files.Contains(file))
        {
            return -Errno.ENOENT;
        }

        if (!writer.Capable(Capability.SysAdmin))
        {
            return -Errno.EPERM;
        }

        if (Kstrtoull.Parse(buf, out var pa) < 0)
        {
            return -Errno.EINVAL;
        }

        var pfn = pa >> PhysicalMemory.PageShift;
        using (machine.CurrentCpu.Enter(writer, CpuMode.Kernel))
        {
            if (file == "soft_offline_page")
            {
                var ret = mf.SoftOfflinePage(pfn, MfFlags.None);
                return ret == 0 ? buf.Length : ret;
            }

            var err = mf.MemoryFailure(pfn, MfFlags.SwSimulated);
            if (err == -Errno.EOPNOTSUPP)
            {
                err = 0;
            }

            return err != 0 ? err : buf.Length;
        }
    }
}
