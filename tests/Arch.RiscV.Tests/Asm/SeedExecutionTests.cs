using KernelModel.Arch.RiscV.Asm;

namespace KernelModel.Arch.RiscV.Tests.Asm;

/// <summary>
/// The seed's __memcpy_mc executed under the poison model: the copy_mc contract over a subset of the stratified grid,
/// and the value label 6 returns against a hand-computed expectation of a2 per phase (arch-copy-mc.md table 5.4).
/// </summary>
public sealed class SeedExecutionTests
{
    /// <summary>
    /// The stratified grid's cases up to 300 bytes (every short, lead, bulk and tail shape on both XLENs, all 256 offset
    /// pairs at the thresholds) plus its long lengths around 1 KiB, a page, and 64 KiB; `kmodel asm check` runs the rest.
    /// </summary>
    private static IEnumerable<CopyCase> Subset() =>
        CopyContractGrid.Stratified().Where(c => c.Length <= 300 || c.Length is 1023 or 1024 or 4095 or 4096 or 4097 or 65536);

    private static CopyProbe Probe(int xlen) => new(() => AsmTestbed.Boot(SeedPatch.Routine(xlen)));

    [Theory]
    [InlineData(64)]
    [InlineData(32)]
    public void StratifiedSubset_HoldsTheContractAndTable54(int xlen)
    {
        var probe = Probe(xlen);
        var failures = new List<string>();
        var poisoned = 0;
        foreach (var copy in Subset())
        {
            var result = probe.Run(AsmCheck.CopyRoutine, copy);
            var expected = Table54.Expect(xlen / 8, copy.Length, copy.SrcOffset, copy.DstOffset, result.FirstPoison);
            poisoned += result.FirstPoison is null ? 0 : 1;
            if (!result.ContractOk)
            {
                failures.Add($"{copy}: {result.Violation}");
            }
            else if ((result.Returned, result.Stored) != expected)
            {
                failures.Add($"{copy}: returned {result.Returned} stored {result.Stored}, table 5.4 says {expected.Returned} / {expected.Stored}");
            }

            if (failures.Count > 20)
            {
                break;
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(poisoned > 10_000, $"only {poisoned} poisoned cases");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void Rv64_PoisonAtLeadByte_ReturnsNAndStoresNothing(int i)
    {
        // n = 1000 from offset 3: the lead copies bytes 0..4; the poisoned line holds lead byte i and byte 0 with it.
        var result = Probe(64).Run(AsmCheck.CopyRoutine, new CopyCase(1000, 3, 3, [i]));

        Assert.Equal((1000L, 0L), (result.Returned, result.Stored));
    }

    [Theory]
    [InlineData(189, 133)]
    [InlineData(125, 85)]
    [InlineData(765, 725)]
    public void Rv64_PoisonInBulkIteration_ReturnsN1AndStoresWholeIterationsAndTenWords(int poison, int stored)
    {
        // n = 1000 from offset 3: L = 5, n1 = 995, W = 128. Offset 189 starts word 7 of iteration 1 (5 + 128 stored);
        // offset 125 is word 15 of iteration 0 (its words 0-9 stored: 5 + 80); offset 765 is word 15 of iteration 5
        // (5 + 5*128 + 80).
        var result = Probe(64).Run(AsmCheck.CopyRoutine, new CopyCase(1000, 3, 3, [poison]));

        Assert.Equal((995L, (long)stored), (result.Returned, result.Stored));
    }

    [Fact]
    public void Rv32_BulkIterationIs64Bytes_PoisonInIteration4ReturnsN1()
    {
        // n = 1000 from offset 1: L = 3, n1 = 997, W = 64. Offset 319 is word 15 of iteration 4: 3 + 4*64 + 10*4 stored.
        var result = Probe(32).Run(AsmCheck.CopyRoutine, new CopyCase(1000, 1, 1, [319]));

        Assert.Equal((997L, 299L), (result.Returned, result.Stored));
    }

    [Fact]
    public void Rv64_PoisonInTheTailAfterTheBulk_ReturnsTheTailCount()
    {
        // n = 1000 from offset 3: B = 896, r = 99; the byte tail starts at offset 901 and faults at 957.
        var result = Probe(64).Run(AsmCheck.CopyRoutine, new CopyCase(1000, 3, 3, [957]));

        Assert.Equal((99L, 957L), (result.Returned, result.Stored));
    }

    [Fact]
    public void PageCopy_AnyFaultReturns4096()
    {
        var probe = Probe(64);

        Assert.All(new[] { 0, 2048, 4095 }, p => Assert.Equal(4096, probe.Run(AsmCheck.CopyRoutine, new CopyCase(4096, 0, 0, [p])).Returned));
    }

    [Fact]
    public void Rv32_MismatchedLowBits_GoesToTheByteTailAndReturnsN()
    {
        // src+1, dst+2 differ mod 4: the whole copy is the byte tail with a2 = n.
        var result = Probe(32).Run(AsmCheck.CopyRoutine, new CopyCase(300, 1, 2, [200]));

        Assert.Equal((300L, 191L), (result.Returned, result.Stored));
    }
}
