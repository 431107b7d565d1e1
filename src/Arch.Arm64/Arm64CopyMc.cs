using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// arm64's copy_mc entry points. With the series (CONFIG_ARCH_HAS_COPY_MC, v13 5/5 asm/uaccess.h)
/// copy_mc_to_kernel() returns memcpy_mc(); upstream it is the generic memcpy-and-return-0 fallback. In both,
/// copy_mc_to_user() is the series' patch 1 generic fallback, copy_to_user(), whose kernel loads carry
/// KERNEL_MEM_ERR entries only with the series.
/// </summary>
public sealed class Arm64CopyMc : IArchCopyMc
{
    private readonly GenericCopyMc _generic;
    private readonly MemcpyMc _memcpyMc;
    private readonly CopyToUser _copyToUser;

    internal Arm64CopyMc(bool archHasCopyMc, GenericCopyMc generic, MemcpyMc memcpyMc, CopyToUser copyToUser, IArchHighpageCopy? highpageOverride)
    {
        HasArchCopyMc = archHasCopyMc;
        _generic = generic;
        _memcpyMc = memcpyMc;
        _copyToUser = copyToUser;
        HighpageOverride = highpageOverride;
    }

    /// <inheritdoc />
    public bool HasArchCopyMc { get; }

    /// <inheritdoc />
    public IArchHighpageCopy? HighpageOverride { get; }

    /// <summary>copy_mc_to_kernel(): memcpy_mc()'s int widened to unsigned long, or the generic fallback upstream.</summary>
    [KernelSymbol("arch/arm64/include/asm/uaccess.h", "copy_mc_to_kernel")]
    public ulong CopyMcToKernel(ulong dst, ulong src, ulong len) =>
        HasArchCopyMc ? (ulong)(long)_memcpyMc.Copy(dst, src, len) : _generic.CopyMcToKernel(dst, src, len);

    /// <summary>copy_mc_to_user(): the generic fallback, copy_to_user().</summary>
    [KernelSymbol("include/linux/uaccess.h", "copy_mc_to_user")]
    public ulong CopyMcToUser(ulong udst, ulong src, ulong len) => _copyToUser.Copy(udst, src, len);
}
