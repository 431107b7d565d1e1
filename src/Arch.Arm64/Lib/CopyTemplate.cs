using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// arch/arm64/lib/copy_template.S as a state machine over its registers: <c>src</c> (x1), <c>count</c> (x2),
/// <c>dst</c> (x6) and the data registers tmp1 and A..D. Every load and store is post-indexed, so <c>src</c> and
/// <c>dst</c> move only when an access completes; a faulting access writes nothing back. The routines that
/// include the template compute their return value from <see cref="Dst"/> at the fixup (<c>end - dst</c>).
/// Phases, in order: below 16 bytes straight to .Ltiny15; otherwise the lead-in that aligns the source to 16
/// (1, 2, 4, 8 bytes as the low bits of -src say), then .Ltail63 for under 64 bytes left, .Lcpy_over64 for
/// 64..127, or .Lcpy_body_large, which loads one 64-byte block ahead of its stores.
/// </summary>
[KernelSymbol("arch/arm64/lib/copy_template.S", "copy_template")]
internal sealed class CopyTemplate(Cpu cpu, CopyTemplateSites sites)
{
    private readonly byte[] _tmp1 = new byte[8];
    private readonly byte[][] _abcd = [new byte[16], new byte[16], new byte[16], new byte[16]];

    /// <summary>x6, dst: the next destination byte; advanced only by completed stores.</summary>
    public ulong Dst { get; private set; }

    /// <summary>x1, src: the next source byte; advanced only by completed loads.</summary>
    public ulong Src { get; private set; }

    /// <summary>The access that took its exception-table fixup, when <see cref="Run"/> returned false.</summary>
    public CodeSite? FaultSite { get; private set; }

    /// <summary>Runs the template; true when it reached .Lexitfunc, false when an access jumped to its fixup.</summary>
    public bool Run(ulong dstin, ulong src, ulong n)
    {
        Dst = dstin;
        Src = src;
        var count = (long)n;
        if (count < 16)
        {
            return Tiny15(count);
        }

        // neg tmp2, src; ands tmp2, tmp2, #15: the bytes up to 16-byte source alignment.
        var tmp2 = (long)((0 - src) & 15);
        if (tmp2 != 0)
        {
            count -= tmp2;
            if (((tmp2 & 1) != 0 && !Copy(sites.LeadB, 1)) ||
                ((tmp2 & 2) != 0 && !Copy(sites.LeadH, 2)) ||
                ((tmp2 & 4) != 0 && !Copy(sites.LeadW, 4)) ||
                ((tmp2 & 8) != 0 && !Copy(sites.LeadX, 8)))
            {
                return false;
            }
        }

        return count >= 64 ? CpyOver64(count) : Tail63(count);
    }

    // .Ltail63: only the low six bits of count matter here (count may be negative after the 64-byte phases).
    private bool Tail63(long count)
    {
        var tmp1 = count & 0x30;
        if (tmp1 != 0)
        {
            var pairs = tmp1 == 0x30 ? sites.Tail63 : tmp1 == 0x20 ? sites.Tail63.Skip(1) : sites.Tail63.Skip(2);
            foreach (var pair in pairs)
            {
                if (!Ldp(pair.Load, _abcd[0]) || !Store(pair.Store, _abcd[0]))
                {
                    return false;
                }
            }
        }

        return Tiny15(count);
    }

    // .Ltiny15: 8, 4, 2, 1 bytes as the low bits of count say, in increasing address order.
    private bool Tiny15(long count) =>
        ((count & 8) == 0 || Copy(sites.Tiny15X, 8)) &&
        ((count & 4) == 0 || Copy(sites.Tiny15W, 4)) &&
        ((count & 2) == 0 || Copy(sites.Tiny15H, 2)) &&
        ((count & 1) == 0 || Copy(sites.Tiny15B, 1));

    private bool CpyOver64(long count)
    {
        count -= 128;
        if (count >= 0)
        {
            return CpyBodyLarge(count);
        }

        // 64..127 bytes: A is stored before B and C are loaded; D last.
        var (a, b, c, d) = (_abcd[0], _abcd[1], _abcd[2], _abcd[3]);
        var ok = Ldp(sites.Over64Load[0], a) && Store(sites.Over64Store[0], a) &&
                 Ldp(sites.Over64Load[1], b) && Ldp(sites.Over64Load[2], c) &&
                 Store(sites.Over64Store[1], b) && Store(sites.Over64Store[2], c) &&
                 Ldp(sites.Over64Load[3], d) && Store(sites.Over64Store[3], d);
        return ok && ((count & 0x3f) == 0 || Tail63(count));
    }

    // The critical loop: 64 bytes are loaded ahead, then each store of the previous block is interleaved with
    // the load of the next, so at a load fault dst lags the loads by up to 64 bytes.
    private bool CpyBodyLarge(long count)
    {
        for (var r = 0; r < 4; r++)
        {
            if (!Ldp(sites.LargePreload[r], _abcd[r]))
            {
                return false;
            }
        }

        do
        {
            var moved = MoveFaultFreeIterations(count);
            if (moved > 0)
            {
                count -= 64 * moved;
                if (!LoadBlock())
                {
                    return false;
                }

                continue;
            }

            for (var r = 0; r < 4; r++)
            {
                if (!Store(sites.LoopStore[r], _abcd[r]) || !Ldp(sites.LoopLoad[r], _abcd[r]))
                {
                    return false;
                }
            }

            count -= 64;
        }
        while (count >= 0);

        for (var r = 0; r < 4; r++)
        {
            if (!Store(sites.LargeDrain[r], _abcd[r]))
            {
                return false;
            }
        }

        return (count & 0x3f) == 0 || Tail63(count);
    }

    // The loop's next iterations in which no access can fault (at least two), moved in one go: k of them store the
    // block held in A..D and the k - 1 blocks after it, and load the block after those. While dst is at or below
    // src - 64 (or past everything the iterations load), no store lands on bytes a later load reads, and A..D still
    // hold the 64 bytes below src; so the stores are one move of 64k bytes from src - 64, after which dst and src
    // stand 64k further on. Returns k (0: nothing moved); the caller then loads the last block (LoadBlock).
    private long MoveFaultFreeIterations(long count)
    {
        var left = (ulong)(count / 64 + 1) * 64;
        var span = Math.Min(cpu.FaultFreeLength(Src, left, write: false), cpu.FaultFreeLength(Dst, left, write: true)) & ~63UL;
        if (span < 128 || (Dst + 64 > Src && Dst < Src + span) || !cpu.TryCopyFast(Dst, Src - 64, span))
        {
            return 0;
        }

        Dst += span;
        Src += span - 64;
        return (long)(span / 64);
    }

    // The last moved iteration's loads into A..D, as the loop leaves them.
    private bool LoadBlock()
    {
        for (var r = 0; r < 4; r++)
        {
            if (!Ldp(sites.LoopLoad[r], _abcd[r]))
            {
                return false;
            }
        }

        return true;
    }

    private bool Copy((CodeSite Load, CodeSite[] Store) pair, int width)
    {
        var reg = _tmp1.AsSpan(0, width);
        if (cpu.Load(pair.Load, Src, reg) != AccessResult.Ok)
        {
            FaultSite = pair.Load;
            return false;
        }

        Src += (ulong)width;
        return Store(pair.Store, reg);
    }

    private bool Ldp(CodeSite site, byte[] reg)
    {
        if (cpu.Load(site, Src, reg) != AccessResult.Ok)
        {
            FaultSite = site;
            return false;
        }

        Src += 16;
        return true;
    }

    // A store macro: one instruction, or user_stp's two sttr; dst moves once, after every part completed.
    private bool Store(CodeSite[] parts, ReadOnlySpan<byte> reg)
    {
        var part = reg.Length / parts.Length;
        for (var i = 0; i < parts.Length; i++)
        {
            if (cpu.Store(parts[i], Dst + (ulong)(i * part), reg.Slice(i * part, part)) != AccessResult.Ok)
            {
                FaultSite = parts[i];
                return false;
            }
        }

        Dst += (ulong)reg.Length;
        return true;
    }
}
