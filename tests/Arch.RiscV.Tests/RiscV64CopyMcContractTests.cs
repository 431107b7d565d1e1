namespace KernelModel.Arch.RiscV.Tests;

/// <summary>
/// The copy_mc contract on riscv64 (seed patch), plus a2 at the fault for each phase of the template
/// (reference §5.4) and the exact count of copy_mc_to_user.
/// </summary>
public sealed class RiscV64CopyMcContractTests : CopyMcContractTests
{
    protected override Machine Boot() => RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64);

    [Fact]
    public void CopyRoutines_Riscv64_RecoverInBothCopyMcRoutinesButNotInMemcpy()
    {
        var routines = Probe.Machine.Arch.CopyRoutines.ToDictionary(r => r.Name, r => r.RecoversPoison);

        Assert.Equal(new Dictionary<string, bool> { ["copy_mc_to_kernel"] = true, ["copy_mc_to_user"] = true, ["memcpy"] = false }, routines);
    }

    [Fact]
    public void CopyMcToKernel_ShortCopyWordTailFault_ReturnsNNotTheRemainder()
    {
        // n < 128: straight to the tail; co-aligned to 4, so the word tail; word 16 (offset 64) faults.
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(100, 0, 0, [70]));

        Assert.Equal(100, result.Returned);
        Assert.Equal(64, result.Stored);
        Assert.Equal(64, result.FirstPoison);
        var trap = Assert.Single(result.Traps);
        Assert.Equal(MemcpyMc.Sites.WordTailLoad, trap.Site);
        Assert.Equal(TrapOutcome.Fixup, trap.Outcome);
        Assert.Equal("extable EX_TYPE_FIXUP -> 6f: a0 = a2", trap.Detail);
    }

    [Fact]
    public void CopyMcToKernel_MismatchedLowBits_ByteTailFromTheStartReturnsN()
    {
        // n >= 128 but dst and src differ in their low 3 bits: the whole copy is the byte tail; byte 61 faults.
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(300, 3, 4, [61]));

        Assert.Equal(300, result.Returned);
        Assert.Equal(61, result.Stored);
        Assert.Equal(MemcpyMc.Sites.ByteTailLoad, Assert.Single(result.Traps).Site);
    }

    [Fact]
    public void CopyMcToKernel_FaultOnTheLeadsFirstByte_ReturnsExactlyN()
    {
        // Co-aligned at 3: the lead copies 5 bytes; its first byte is in the poisoned line.
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(300, 3, 3, [0]));

        Assert.Equal(300, result.Returned);
        Assert.Equal(0, result.Stored);
        Assert.Equal(MemcpyMc.Sites.LeadLoad, Assert.Single(result.Traps).Site);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void CopyMcToKernel_BulkIterationJLoadWord8_ReturnsN1WithIterationsBeforeJStored(int j)
    {
        // Aligned, n1 = n = 1024: eight iterations. The second line of iteration j holds words 8-15; word 8 faults
        // before any store of iteration j.
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(1024, 0, 0, [(128 * j) + 64]));

        Assert.Equal(1024, result.Returned);
        Assert.Equal(128 * j, result.Stored);
        Assert.Equal(MemcpyMc.Sites.BulkLoad[8], Assert.Single(result.Traps).Site);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void CopyMcToKernel_BulkIterationJLoadWord15_ReturnsN1ThoughWords0To9OfJWereStored(int j)
    {
        // Source 8 bytes past a line start: word 15 of iteration j is the only word in the next line, so words
        // 0-9 are already stored when it faults; a2 is still n1 (over by j*W + 10*SZREG).
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(1024, 8, 8, [120 + (128 * j)]));

        Assert.Equal(1024, result.Returned);
        Assert.Equal((128 * j) + 80, result.Stored);
        Assert.Equal(MemcpyMc.Sites.BulkLoad[15], Assert.Single(result.Traps).Site);
    }

    [Fact]
    public void CopyMcToKernel_LeadThenBulkFault_ReturnsN1NotN()
    {
        // Co-aligned at 5: L = 3, n1 = 997; the bulk loop's first iteration starts at offset 3.
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(1000, 5, 5, [200]));

        Assert.Equal(997, result.Returned);
        Assert.Equal(3 + 128, result.Stored);
    }

    [Fact]
    public void CopyMcToKernel_WordTailAfterBulk_ReturnsRExactOnlyOnItsFirstWord()
    {
        // n = 200: one bulk iteration, r = 72, word tail from offset 128.
        var first = Probe.Run("copy_mc_to_kernel", new CopyCase(200, 0, 0, [128]));
        var later = Probe.Run("copy_mc_to_kernel", new CopyCase(200, 0, 0, [192]));

        Assert.Equal(72, first.Returned);
        Assert.Equal(128, first.Stored);
        Assert.Equal(72, later.Returned);
        Assert.Equal(192, later.Stored);
        Assert.Equal(MemcpyMc.Sites.WordTailLoad, Assert.Single(later.Traps).Site);
    }

    [Fact]
    public void CopyMcToKernel_ByteTailAfterBulk_ReturnsR()
    {
        // n = 201: the end is not 4-aligned, so the tail is bytes; r = 73, byte 64 of the tail faults.
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(201, 0, 0, [192]));

        Assert.Equal(73, result.Returned);
        Assert.Equal(192, result.Stored);
        Assert.Equal(MemcpyMc.Sites.ByteTailLoad, Assert.Single(result.Traps).Site);
    }

    [Fact]
    public void CopyMcToKernel_N1Of121SkipsTheBulkLoop_ReturnsN1FromTheByteTail()
    {
        // n = 128 co-aligned at 1: L = 7, n1 = 121 < W = 128, so no bulk iteration; the tail starts at offset 7.
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(128, 1, 1, [63]));

        Assert.Equal(121, result.Returned);
        Assert.Equal(63, result.Stored);
        Assert.Equal(MemcpyMc.Sites.ByteTailLoad, Assert.Single(result.Traps).Site);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2048, 2048)]
    [InlineData(4095, 3968)]
    public void CopyMcToKernel_PageCopyAnyFault_Returns4096(int poison, int stored)
    {
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(4096, 0, 0, [poison]));

        Assert.Equal(4096, result.Returned);
        Assert.Equal(stored, result.Stored);
        Assert.True(result.ContractOk, result.Violation);
    }

    [Theory]
    [InlineData(1024, 0, 0, 600, 576)]
    [InlineData(1000, 3, 0, 200, 184)]
    [InlineData(1000, 3, 5, 200, 187)]
    [InlineData(50, 0, 0, 10, 0)]
    public void CopyMcToUser_Poisoned_ReturnsExactlyTheBytesNotStored(int n, int src, int dst, int poison, int stored)
    {
        var result = Probe.Run("copy_mc_to_user", new CopyCase(n, src, dst, [poison]));

        Assert.Equal(stored, result.Stored);
        Assert.Equal(n - stored, result.Returned);
        Assert.Equal(TrapOutcome.Fixup, Assert.Single(result.Traps).Outcome);
        Assert.Equal(AsmCopyToUser.Routine, result.Traps[0].Site.Routine);
    }

    [Fact]
    public void Memcpy_PoisonedSource_PanicsInNmiContext()
    {
        var result = Probe.Run("memcpy", new CopyCase(256, 0, 0, [100]));

        Assert.True(result.Panicked);
        Assert.Equal("Fatal exception in interrupt", result.DeathMessage);
        Assert.Equal(Memcpy.Sites.BulkLoad[8], Assert.Single(result.Traps).Site);
    }
}
