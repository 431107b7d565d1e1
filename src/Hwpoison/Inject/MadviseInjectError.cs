using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// madvise(MADV_HWPOISON) and madvise(MADV_SOFT_OFFLINE) (mm/madvise.c madvise_inject_error): a privileged task
/// poisons or soft-offlines the pages behind a range of its own address space. Each page is found with
/// get_user_pages_fast() (which keeps its reference for memory_failure: MF_COUNT_INCREASED), and the walk advances
/// by the compound page's size, so a THP or huge page is injected once, at its first page in the range.
/// </summary>
public static class MadviseInjectError
{
    /// <summary>MADV_HWPOISON (100).</summary>
    public const int MadvHwpoison = 100;

    /// <summary>MADV_SOFT_OFFLINE (101).</summary>
    public const int MadvSoftOffline = 101;

    /// <summary>
    /// madvise(start, len, behavior) by <paramref name="caller"/> for the two injectors: 0, or -EINVAL (bad
    /// range or no CONFIG_MEMORY_FAILURE), -EPERM (no CAP_SYS_ADMIN), -EFAULT (a page that is not present), or what
    /// memory_failure / soft_offline_page returned (-EOPNOTSUPP from the filter counts as success).
    /// Pending signals reach the caller when it next returns to user space.
    /// </summary>
    [KernelSymbol("mm/madvise.c", "madvise_inject_error")]
    public static int Madvise(Machine machine, TaskStruct caller, ulong start, ulong lenIn, int behavior)
    {
        var mf = MemoryFailureHandler.Of(machine);
        if (behavior is not (MadvHwpoison or MadvSoftOffline) || mf is null)
        {
            return -Errno.EINVAL;
        }

        if ((start & (PhysicalMemory.PageSize - 1)) != 0)
        {
            return -Errno.EINVAL;
        }

        var len = (lenIn + PhysicalMemory.PageSize - 1) & ~(ulong)(PhysicalMemory.PageSize - 1);
        if (lenIn != 0 && len == 0)
        {
            return -Errno.EINVAL;
        }

        var end = start + len;
        if (end < start)
        {
            return -Errno.EINVAL;
        }

        if (end == start)
        {
            return 0;
        }

        if (!caller.Capable(Capability.SysAdmin))
        {
            return -Errno.EPERM;
        }

        using (machine.CurrentCpu.Enter(caller, CpuMode.Kernel))
        {
            for (ulong size; start < end; start += size)
            {
                if (GetUserPagesFast(machine, caller, start) is not { } page)
                {
                    return -Errno.EFAULT;
                }

                var pfn = page.Pfn;
                size = page.Folio.Size;
                int ret;
                if (behavior == MadvSoftOffline)
                {
                    machine.Log.Info(string.Create(CultureInfo.InvariantCulture,
                        $"Soft offlining pfn {Printf.HashLx(pfn)} at process virtual address {Printf.HashLx(start)}"));
                    ret = mf.SoftOfflinePage(pfn, MfFlags.CountIncreased);
                }
                else
                {
                    machine.Log.Info(string.Create(CultureInfo.InvariantCulture,
                        $"Injecting memory failure for pfn {Printf.HashLx(pfn)} at process virtual address {Printf.HashLx(start)}"));
                    var flags = MfFlags.CountIncreased | MfFlags.SwSimulated | (mf.Options.MadvHwpoisonActionRequired ? MfFlags.ActionRequired : MfFlags.None);
                    ret = mf.MemoryFailure(pfn, flags);
                    if (ret == -Errno.EOPNOTSUPP)
                    {
                        ret = 0;
                    }
                }

                if (ret != 0)
                {
                    return ret;
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// get_user_pages_fast() of one page, holding a reference: the page a present entry maps. The model has no
    /// demand-paging path here, so a page that is not present (or a hwpoison entry, which would fault) is -EFAULT.
    /// </summary>
    [KernelSymbol("mm/gup.c", "get_user_pages_fast")]
    private static Page? GetUserPagesFast(Machine machine, TaskStruct task, ulong address)
    {
        if (task.Mm is not { } mm || mm.FindVma(address) is null)
        {
            return null;
        }

        var (entry, level) = mm.PageTable.Walk(address);
        if (!entry.IsPresent)
        {
            return null;
        }

        var page = machine.Memory.PfnToPage(entry.Pfn + ((address & ((1UL << (int)level) - 1)) >> PhysicalMemory.PageShift));
        page.Folio.Head.RefCount++;
        return page;
    }
}
