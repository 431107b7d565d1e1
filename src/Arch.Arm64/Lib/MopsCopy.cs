using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>The read and write sides of a FEAT_MOPS CPYM/CPYE instruction pair in one routine.</summary>
/// <param name="MainLoad">CPYM's reads.</param>
/// <param name="MainStore">CPYM's writes.</param>
/// <param name="EpilogueLoad">CPYE's reads.</param>
/// <param name="EpilogueStore">CPYE's writes.</param>
internal sealed record MopsSites(CodeSite MainLoad, CodeSite MainStore, CodeSite EpilogueLoad, CodeSite EpilogueStore)
{
    /// <summary>The sites of <paramref name="main"/> / <paramref name="epilogue"/> in <paramref name="routine"/>.</summary>
    public MopsSites(string routine, string main, string epilogue)
        : this(new CodeSite(routine, main + " (read)", SiteAccess.Load), new CodeSite(routine, main + " (write)", SiteAccess.Store),
            new CodeSite(routine, epilogue + " (read)", SiteAccess.Load), new CodeSite(routine, epilogue + " (write)", SiteAccess.Store))
    {
    }
}

/// <summary>
/// A FEAT_MOPS copy: CPYP (prologue), CPYM (main), CPYE (epilogue). How much each instruction copies is
/// IMPLEMENTATION DEFINED; the model assumes the prologue copies nothing, the main instruction copies whole
/// <see cref="BlockBytes"/>-byte blocks in increasing address order and the epilogue the remainder. Which bytes
/// are stored before an abort only matters where a fixup exists, and every MOPS fixup here returns -EFAULT.
/// </summary>
internal sealed class MopsCopy(Cpu cpu, MopsSites sites)
{
    /// <summary>The assumed block one CPYM step moves.</summary>
    public const int BlockBytes = 64;

    /// <summary>Copies; false when an access took its exception-table fixup.</summary>
    public bool Run(ulong dst, ulong src, ulong n)
    {
        var block = new byte[BlockBytes];
        for (; n >= BlockBytes; n -= BlockBytes, src += BlockBytes, dst += BlockBytes)
        {
            if (cpu.Load(sites.MainLoad, src, block) != AccessResult.Ok || cpu.Store(sites.MainStore, dst, block) != AccessResult.Ok)
            {
                return false;
            }
        }

        var tail = block.AsSpan(0, (int)n);
        return n == 0 || (cpu.Load(sites.EpilogueLoad, src, tail) == AccessResult.Ok && cpu.Store(sites.EpilogueStore, dst, tail) == AccessResult.Ok);
    }
}
