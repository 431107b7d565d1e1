using KernelModel.Mm;

namespace KernelModel.Arch.Arm64.Tests;

/// <summary>
/// memcpy_mc (copy_mc_to_kernel on <c>arm64</c>): the exact value is <c>end - dst</c>, where dst moved only with
/// completed post-indexed stores, computed here from copy_template.S's load order.
/// </summary>
public sealed class MemcpyMcTests
{
    private static CopyProbe Probe(Arm64Options options) => new(() => Arm64Machines.Boot(options, new ClaimingGhes()));

    [Theory]
    // Large loop, aligned: the first pre-get ldp faults; nothing stored.
    [InlineData(4096, 0, 0, 0, 0, "cpy_body_large: ldp1 A (pre-get)")]
    // Block 1's first ldp runs after block 0's A was stored: 16 stored, 48 beyond the poison.
    [InlineData(4096, 0, 0, 64, 16, "cpy_body_large loop: ldp1 A")]
    // Block 15 (line 960) in loop pass 14: 14 blocks and one A stored.
    [InlineData(4096, 0, 0, 1000, (14 * 64) + 16, "cpy_body_large loop: ldp1 A")]
    // The last line is block 63, loaded in pass 62.
    [InlineData(4096, 0, 0, 4095, (62 * 64) + 16, "cpy_body_large loop: ldp1 A")]
    // Source at +8: the lead-in copies 8 bytes; the pre-get's D (copy bytes 56..71) touches the poisoned line.
    [InlineData(200, 8, 0, 100, 8, "cpy_body_large: ldp1 D (pre-get)")]
    // 100 bytes: .Lcpy_over64 copies 64, then .Ltail63 copies 32 from byte 64 (count & 0x30 == 0x20).
    [InlineData(100, 0, 0, 70, 64, "tail63: ldp1 #2")]
    // Under 16 bytes with an unaligned source: the 8-byte load straddles the clean line and the poisoned one.
    [InlineData(15, 60, 0, 5, 0, "tiny15: ldr1 x")]
    public void CopyMcToKernel_PoisonedSource_ReturnsEndMinusDstAtTheFaultingLoad(int n, int src, int dst, int poison, int stored, string site)
    {
        var result = Probe(Arm64Options.Series).Run("copy_mc_to_kernel", new CopyCase(n, src, dst, [poison]));

        Assert.False(result.Died);
        Assert.Equal(stored, result.Stored);
        Assert.Equal(n - stored, result.Returned);
        Assert.True(result.Returned - (n - result.FirstPoison!.Value) <= 64, "never more than 64 beyond the poison");
        var trap = Assert.Single(result.Traps);
        Assert.Equal(new CodeSite(MemcpyMc.GenericRoutine, site, SiteAccess.Load), trap.Site);
        Assert.Equal(TrapOutcome.Fixup, trap.Outcome);
    }

    [Fact]
    public void CopyMcToKernel_StraddlingLoad_ReportsTheCleanBytesBeforeThePoisonAsNotCopied()
    {
        var result = Probe(Arm64Options.Series).Run("copy_mc_to_kernel", new CopyCase(15, 60, 0, [5]));

        Assert.Equal(4, result.FirstPoison);
        Assert.Equal(0, result.Stored);
        Assert.Equal(15, result.Returned);
    }

    [Fact]
    public void CopyTemplate_CleanSlowPath_EveryLengthAndAlignment_CopiesExactlyNBytesAndNeverLoadsPastTheEnd()
    {
        var m = Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes());
        var src = m.Allocator.AllocFolio(1)!.Value.Head;
        var dst = m.Allocator.AllocFolio(1)!.Value.Head;
        var pattern = Enumerable.Range(0, 2 * PhysicalMemory.PageSize).Select(i => (byte)((i * 13) + 5)).ToArray();
        m.Memory.Write(src.PhysAddr, pattern);
        var failures = new List<string>();
        var task = m.Tasks.CreateProcess("template");
        for (var n = 0; n <= 300; n++)
        {
            for (var so = 0; so < 16; so++)
            {
                var d = (n + so) % 16;
                m.Memory.Write(dst.PhysAddr, new byte[2 * PhysicalMemory.PageSize]);
                var line = (ulong)((so + n + 63) & ~63);
                m.Memory.InjectPoison(src.PhysAddr + line);
                var template = new CopyTemplate(m.CurrentCpu, MemcpyMc.Sites);
                var srcVa = m.PageAddress(src) + (ulong)so;
                var dstVa = m.PageAddress(dst) + (ulong)d;
                var done = m.RunInKernel(() => template.Run(dstVa, srcVa, (ulong)n), task);
                m.Memory.ClearPoison(src.PhysAddr + line);
                var copied = new byte[n + 32];
                m.Memory.Read(dst.PhysAddr + (ulong)d, copied);
                if (done.Value != true || template.Dst != dstVa + (ulong)n || template.Src != srcVa + (ulong)n ||
                    !copied.AsSpan(0, n).SequenceEqual(pattern.AsSpan(so, n)) || copied.AsSpan(n).ContainsAnyExcept((byte)0))
                {
                    failures.Add($"n {n} src+{so} dst+{d}");
                }
            }
        }

        Assert.Empty(failures);
        Assert.Empty(m.Traps);
    }

    [Theory]
    [InlineData(Arm64MemErrExtable.V13KaccessErrZeroMemErr)]
    [InlineData(Arm64MemErrExtable.V14KaccessErrZeroReuseAssumed)]
    public void MemcpyMc_UntranslatedSource_IsNotFixedUpAndOopses(Arm64MemErrExtable kind)
    {
        var m = Arm64Machines.Boot(Arm64Options.Series with { MemErrExtable = kind }, new ClaimingGhes());
        var (dst, _, _, _) = Arm64Machines.Pages(m);
        var bad = m.Arch.PageOffset + m.Memory.Size;

        var run = m.RunInKernel(() => m.Arch().MemcpyMc.Copy(dst, bad, 64));

        Assert.True(run.Died);
        Assert.False(run.Panicked);
        var trap = Assert.Single(m.Traps);
        Assert.Equal(TrapKind.PageFault, trap.Kind);
        Assert.Equal(TrapOutcome.Died, trap.Outcome);
        Assert.Equal(new CodeSite(MemcpyMc.GenericRoutine, "cpy_over64: ldp1 A", SiteAccess.Load), trap.Site);
        Assert.Equal(
            [$"Unable to handle kernel paging request at virtual address {bad:x16}", "Mem abort info:", "  ESR = 0x0000000096000007",
                "Internal error: Oops: 0000000096000007 [#1] SMP"],
            m.Log.Lines.Select(l => l.Text));
    }

    [Fact]
    public void MemcpyMc_PlainStoreToAnUntranslatedDestination_Oopses()
    {
        var m = Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes());
        var (_, src, _, _) = Arm64Machines.Pages(m, 2048);
        var bad = m.Arch.PageOffset + m.Memory.Size;

        var run = m.RunInKernel(() => m.Arch().MemcpyMc.Copy(bad, src, 64));

        Assert.True(run.Died);
        Assert.Equal(SiteAccess.Store, Assert.Single(m.Traps).Site.Access);
        Assert.Contains(m.Log.Lines, l => l.Text == "Internal error: Oops: 0000000096000047 [#1] SMP");
    }

    [Theory]
    [InlineData(Arm64Mops.V13)]
    [InlineData(Arm64Mops.V14Assumed)]
    public void CopyMcToKernel_UnderMops_HasNoFixupAndTheKernelDiesAfterTheClaim(Arm64Mops mops)
    {
        var ghes = new ClaimingGhes();
        var probe = new CopyProbe(() => Arm64Machines.Boot(Arm64Options.Series with { Mops = mops }, ghes));

        var result = probe.Run("copy_mc_to_kernel", new CopyCase(4096, 0, 0, [1000]));

        Assert.False(probe.Machine.Arch.CopyRoutines.Single(r => r.Name == "copy_mc_to_kernel").RecoversPoison);
        Assert.True(result.Died);
        Assert.True(result.ContractOk, result.Violation);
        Assert.Equal(MemcpyMc.MopsMainLoad, Assert.Single(result.Traps).Site);
        Assert.Equal(960, result.Stored);
        Assert.Single(ghes.Calls);
    }

    [Fact]
    public void MopsCopy_CleanSlowPath_CopiesEveryByte()
    {
        var m = Arm64Machines.Boot(Arm64Options.Series with { Mops = Arm64Mops.V13 }, new ClaimingGhes());
        var (dst, src, dstPage, srcPage) = Arm64Machines.Pages(m);

        var done = m.RunInKernel(() => new MopsCopy(m.CurrentCpu, MemcpyMc.Mops).Run(dst + 3, src + 1, 1000));

        Assert.True(done.Value);
        var expected = new byte[1000];
        var actual = new byte[1004];
        m.Memory.Read(srcPage.PhysAddr + 1, expected);
        m.Memory.Read(dstPage.PhysAddr, actual);
        Assert.Equal(expected, actual.AsSpan(3, 1000).ToArray());
        Assert.Equal(0, actual[1003]);
    }
}
