using KernelModel.Mm;
using KernelModel.Testing;

namespace KernelModel.Arch.X86.Tests;

/// <summary>
/// The copy_mc contract on x86_64-fragile (copy_mc_fragile), with the exact counts of every phase: a read fault
/// returns exactly the bytes from the faulting load on (leading ecx+edx, words ecx*8+edx, trailing ecx).
/// </summary>
public sealed class X86FragileCopyMcContractTests : CopyMcContractTests
{
    protected override Machine Boot() => X86Machines.Boot(new X86Options { FragileQuirk = true });

    [Theory]
    // Leading bytes (src+3: 5 leading bytes, all in line 0): the first load faults, ecx 5 + edx 95.
    [InlineData(100, 3, 0, 0, 100, 0)]
    // Words (src+3, 5 leading, 36 words, 7 trailing): the word at offset 61 is the first in line 1; ecx 29 * 8 + edx 7.
    [InlineData(300, 3, 0, 100, 239, 61)]
    // Words, aligned source: 12 words, poison in line 1 (offset 64): ecx 4 * 8 + edx 4.
    [InlineData(100, 0, 5, 70, 36, 64)]
    // Trailing bytes (src+0, 8 words, 5 trailing bytes in line 1): ecx 5.
    [InlineData(69, 0, 0, 66, 5, 64)]
    // Under 8 bytes straight to the byte loop (src+62: bytes 0-1 in line 0, byte 2 in line 1): ecx 3.
    [InlineData(5, 62, 0, 3, 3, 2)]
    public void CopyMcToKernel_PoisonInEachPhase_ReturnsTheExactRemainder(int length, int srcOffset, int dstOffset, int poison, long returned, long stored)
    {
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(length, srcOffset, dstOffset, [poison]));

        Assert.False(result.Died);
        Assert.Equal(returned, result.Returned);
        Assert.Equal(stored, result.Stored);
        Assert.Equal(length - stored, result.Returned);
    }

    [Theory]
    [InlineData(0, ".L_read_leading_bytes: movb (%rsi),%al", ".E_leading_bytes: return ecx + edx")]
    [InlineData(100, ".L_read_words: movq (%rsi),%r8", ".E_read_words: return ecx * 8 + edx")]
    public void CopyMcToKernel_ReadFault_TakesThePhasesFixup(int poison, string label, string fixup)
    {
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(300, 3, 0, [poison]));

        var trap = Assert.Single(result.Traps);
        Assert.Equal(new CodeSite("copy_mc_fragile", label, SiteAccess.Load), trap.Site);
        Assert.Equal("extable EX_TYPE_DEFAULT_MCE_SAFE -> " + fixup, trap.Detail);
    }

    [Fact]
    public void CopyMcToUser_PoisonedPage_ReturnsTheExactRemainder()
    {
        var result = Probe.Run("copy_mc_to_user", new CopyCase(4096, 0, 0, [1000]));

        Assert.Equal(4096 - 960, result.Returned);
        Assert.Equal(960, result.Stored);
    }
}
