namespace KernelModel.Mm;

/// <summary>
/// copy_page(): the architecture's plain page copy behind copy_user_highpage() and copy_highpage(). It has no
/// exception-table entry on any architecture, so poison it loads reaches the trap handler with nothing to fix
/// up: the kernel dies as that architecture dies.
/// </summary>
public static class CopyPage
{
    /// <summary>The 8-byte load of the copy loop.</summary>
    public static readonly CodeSite Load = new("copy_page", "ldr 8", SiteAccess.Load);

    /// <summary>The 8-byte store of the copy loop.</summary>
    public static readonly CodeSite Store = new("copy_page", "str 8", SiteAccess.Store);

    /// <summary>Copies one page between two kernel addresses on the current CPU.</summary>
    [KernelSymbol("arch/x86/lib/copy_page_64.S", "copy_page")]
    [KernelSymbol("arch/arm64/lib/copy_page.S", "copy_page")]
    [KernelSymbol("arch/riscv/include/asm/page.h", "copy_page")]
    public static void Run(Machine machine, ulong kto, ulong kfrom)
    {
        using (machine.Tracer.Enter("copy_page"))
        {
            var cpu = machine.CurrentCpu;
            if (!cpu.TryCopyFast(kto, kfrom, PhysicalMemory.PageSize))
            {
                CopyByWords(cpu, kto, kfrom);
            }
        }
    }

    // The copy access by access (its stack buffer stays out of the clean copy's frame).
    private static void CopyByWords(Cpu cpu, ulong kto, ulong kfrom)
    {
        // The words before the first one whose access can trap move in one go.
        Span<byte> word = stackalloc byte[8];
        for (var offset = cpu.CopyFastHead(kto, kfrom, PhysicalMemory.PageSize, 8); offset < PhysicalMemory.PageSize; offset += 8)
        {
            // No extable entry: a hardware error here kills the kernel inside the trap handler, so a load that
            // returns came back Ok.
            cpu.Load(Load, kfrom + offset, word);
            cpu.Store(Store, kto + offset, word);
        }
    }
}
