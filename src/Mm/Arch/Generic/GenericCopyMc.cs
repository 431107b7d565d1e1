namespace KernelModel.Mm;

/// <summary>
/// The copy routines of a kernel without CONFIG_ARCH_HAS_COPY_MC (include/linux/uaccess.h):
/// copy_mc_to_kernel is a plain memcpy that returns 0, and copy_mc_to_user is copy_to_user (the generic
/// fallback of the arm64 series' patch 1). Neither has an exception-table entry for its kernel-side loads, so
/// poison consumed by them reaches the architecture's trap handler with nothing to fix up.
/// </summary>
public sealed class GenericCopyMc(Machine machine) : IArchCopyMc
{
    /// <summary>lib/string.c memcpy: one byte load, one byte store.</summary>
    public static readonly CodeSite MemcpyLoad = new("memcpy", "byte load", SiteAccess.Load);

    /// <summary>The byte store of memcpy.</summary>
    public static readonly CodeSite MemcpyStore = new("memcpy", "byte store", SiteAccess.Store);

    /// <summary>copy_to_user's kernel-side byte load (no fixup).</summary>
    public static readonly CodeSite CopyToUserLoad = new("__copy_to_user", "byte load", SiteAccess.Load);

    /// <summary>copy_to_user's user-side byte store (fixed up on a page fault).</summary>
    public static readonly CodeSite CopyToUserStore = new("__copy_to_user", "byte store", SiteAccess.Store);

    /// <summary>The user-store fixup: the generic uaccess entry type.</summary>
    public static ExceptionTable Extable { get; } = new([new ExtableEntry(CopyToUserStore, "EX_TYPE_UACCESS", 0, "return bytes not copied")]);

    /// <inheritdoc />
    public bool HasArchCopyMc => false;

    /// <inheritdoc />
    public IArchHighpageCopy? HighpageOverride => null;

    /// <summary>copy_mc_to_kernel() without an architecture backend: memcpy, then 0.</summary>
    [KernelSymbol("include/linux/uaccess.h", "copy_mc_to_kernel")]
    public ulong CopyMcToKernel(ulong dst, ulong src, ulong len)
    {
        Memcpy(dst, src, len);
        return 0;
    }

    /// <summary>copy_mc_to_user() fallback: copy_to_user().</summary>
    [KernelSymbol("include/linux/uaccess.h", "copy_mc_to_user")]
    public ulong CopyMcToUser(ulong udst, ulong src, ulong len) => CopyToUser(udst, src, len);

    /// <summary>memcpy() (lib/string.c): byte by byte. A fault on either side is not recoverable.</summary>
    [KernelSymbol("lib/string.c", "memcpy")]
    public void Memcpy(ulong dst, ulong src, ulong len)
    {
        var cpu = machine.CurrentCpu;
        if (cpu.TryCopyFast(dst, src, len))
        {
            return;
        }

        // The bytes before the first access that can trap move in one go (the same memory as their loads and stores);
        // the loop runs from the first byte that can.
        Span<byte> b = stackalloc byte[1];
        for (var i = cpu.CopyFastHead(dst, src, len, 1); i < len; i++)
        {
            // Without an extable entry the trap handler kills the kernel; a Fixup cannot come back here.
            cpu.Load(MemcpyLoad, src + i, b);
            cpu.Store(MemcpyStore, dst + i, b);
        }
    }

    /// <summary>copy_to_user(): access_ok, then the byte loop; returns the bytes not copied.</summary>
    [KernelSymbol("include/linux/uaccess.h", "copy_to_user")]
    public ulong CopyToUser(ulong udst, ulong src, ulong len) => GenericUaccess.AccessOk(machine, udst, len) ? RawCopyToUser(udst, src, len) : len;

    /// <summary>
    /// raw_copy_to_user() as a byte loop: the kernel-side load has no entry (poison there is fatal), the user-side
    /// store returns the bytes not copied when it faults.
    /// </summary>
    [KernelSymbol("include/asm-generic/uaccess.h", "raw_copy_to_user")]
    public ulong RawCopyToUser(ulong udst, ulong src, ulong len)
    {
        var cpu = machine.CurrentCpu;
        if (cpu.TryCopyFast(udst, src, len))
        {
            return 0;
        }

        Span<byte> b = stackalloc byte[1];
        for (var i = cpu.CopyFastHead(udst, src, len, 1); i < len; i++)
        {
            cpu.Load(CopyToUserLoad, src + i, b);
            if (cpu.Store(CopyToUserStore, udst + i, b) != AccessResult.Ok)
            {
                return len - i;
            }
        }

        return 0;
    }
}
