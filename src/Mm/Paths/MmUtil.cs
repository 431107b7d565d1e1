namespace KernelModel.Mm;

/// <summary>The mm/util.c helpers the paths use.</summary>
public static class MmUtil
{
    /// <summary>
    /// folio_mc_copy(): copies a folio page by page with copy_mc_highpage() (each failing page is queued by the
    /// helper) and returns -EHWPOISON at the first page that fails, 0 when all were copied.
    /// </summary>
    [KernelSymbol("mm/util.c", "folio_mc_copy")]
    public static int FolioMcCopy(Machine machine, Folio dst, Folio src)
    {
        using (machine.Tracer.Enter("folio_mc_copy"))
        {
            for (ulong i = 0; i < src.NrPages; i++)
            {
                if (Highmem.CopyMcHighpage(machine, dst.PageAt(machine.Memory, i), src.PageAt(machine.Memory, i)) != 0)
                {
                    return -Errno.EHWPOISON;
                }
            }

            return 0;
        }
    }
}
