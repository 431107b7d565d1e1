namespace KernelModel.Arch.X86;

/// <summary>
/// copy_mc_to_kernel / copy_mc_to_user (arch/x86/lib/copy_mc.c): copy_mc_fragile when the fragile quirk's static
/// key is on, else copy_mc_enhanced_fast_string on an ERMS CPU, else a plain copy with no recovery (memcpy
/// returning 0, or copy_user_generic). The length parameter is a 32-bit <c>unsigned</c>: a caller's longer
/// length is truncated to its low 32 bits, as the C conversion does. x86 uses the generic
/// copy_mc_[user_]highpage helpers (no __HAVE_ARCH_COPY_MC_HIGHPAGE).
/// </summary>
public sealed class X86CopyMc : IArchCopyMc
{
    // The two static keys the dispatch reads (copy_mc_fragile_key, X86_FEATURE_ERMS), fixed at boot.
    private readonly bool _fragileQuirk;
    private readonly bool _erms;

    /// <summary>Builds the routines of a machine with the profile's options.</summary>
    public X86CopyMc(Machine machine, X86Options options)
    {
        _fragileQuirk = options.FragileQuirk;
        _erms = options.Erms;
        Fragile = new CopyMcFragile(machine);
        FastString = new CopyMcEnhancedFastString(machine, options.FastStringProgress);
        Memcpy = new Memcpy(machine, options.FastStringProgress);
        CopyUserGeneric = new CopyUserGeneric(machine, options);
    }

    /// <summary>copy_mc_fragile.</summary>
    public CopyMcFragile Fragile { get; }

    /// <summary>copy_mc_enhanced_fast_string.</summary>
    public CopyMcEnhancedFastString FastString { get; }

    /// <summary>memcpy.</summary>
    public Memcpy Memcpy { get; }

    /// <summary>copy_user_generic.</summary>
    public CopyUserGeneric CopyUserGeneric { get; }

    /// <summary>CONFIG_ARCH_HAS_COPY_MC: selected on X86_64.</summary>
    public bool HasArchCopyMc => true;

    /// <summary>Whether the dispatch reaches a recovering copy (fragile quirk or ERMS) rather than the plain fallback.</summary>
    public bool Recovers => _fragileQuirk || _erms;

    /// <inheritdoc />
    public IArchHighpageCopy? HighpageOverride => null;

    /// <summary>copy_mc_to_kernel(dst, src, len): 0, or the bytes not copied.</summary>
    [KernelSymbol("arch/x86/lib/copy_mc.c", "copy_mc_to_kernel")]
    public ulong CopyMcToKernel(ulong dst, ulong src, ulong len)
    {
        var n = (uint)len;
        if (_fragileQuirk)
        {
            return Fragile.Copy(dst, src, n);
        }

        if (_erms)
        {
            return FastString.Copy(dst, src, n);
        }

        Memcpy.Copy(dst, src, n);
        return 0;
    }

    /// <summary>copy_mc_to_user(dst, src, len): the same order; the last resort is copy_user_generic.</summary>
    [KernelSymbol("arch/x86/lib/copy_mc.c", "copy_mc_to_user")]
    public ulong CopyMcToUser(ulong udst, ulong src, ulong len)
    {
        var n = (uint)len;
        if (_fragileQuirk)
        {
            return Fragile.Copy(udst, src, n);
        }

        if (_erms)
        {
            return FastString.Copy(udst, src, n);
        }

        return CopyUserGeneric.Copy(udst, src, n);
    }
}
