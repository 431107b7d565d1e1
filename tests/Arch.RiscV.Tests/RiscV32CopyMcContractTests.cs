namespace KernelModel.Arch.RiscV.Tests;

/// <summary>
/// The copy_mc contract on riscv32 (seed patch, SZREG 4), plus where RV32 differs from RV64 (reference §5.6):
/// W = 64, a lead of at most 3 bytes, and a bulk loop that the 128-byte threshold never lets it skip.
/// </summary>
public sealed class RiscV32CopyMcContractTests : CopyMcContractTests
{
    protected override Machine Boot() => RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv32);

    [Fact]
    public void Layout_Riscv32_IsSv32LowmemWith32BitAddresses()
    {
        var arch = Probe.Machine.Arch;

        Assert.Equal(0xc000_0000UL, arch.PageOffset);
        Assert.Equal(0x9fc0_0000UL, arch.TaskSize);
        Assert.True(Probe.Machine.PhysToVirt(Probe.Machine.Memory.Size - 1) <= uint.MaxValue);
    }

    [Fact]
    public void Boot_MoreMemoryThanTheLinearMapHolds_IsRejectedWithTheLimit()
    {
        var bad = Assert.Throws<ArgumentException>(() => RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv32, 2UL << 30));

        Assert.Contains("at most 1024 MiB", bad.Message);
        Assert.Contains("riscv32", bad.Message);
    }

    [Fact]
    public void CopyMcToKernel_N128CoAlignedAt1_NeverSkipsTheBulkLoopOnRv32()
    {
        // L = 3, n1 = 125 >= W = 64: one bulk iteration from offset 3; its word 15 (offsets 63-66) faults after
        // words 0-9 were stored. RV64 returns 121 from the tail for the same copy.
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(128, 1, 1, [63]));

        Assert.Equal(125, result.Returned);
        Assert.Equal(3 + 40, result.Stored);
        Assert.Equal(MemcpyMc.Sites.BulkLoad[15], Assert.Single(result.Traps).Site);
    }

    [Fact]
    public void CopyMcToKernel_BulkIterationOf64Bytes_ReturnsN1()
    {
        // W = 64: the line at 576 is iteration 9's; its word 0 faults.
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(1024, 0, 0, [600]));

        Assert.Equal(1024, result.Returned);
        Assert.Equal(576, result.Stored);
        Assert.Equal(MemcpyMc.Sites.BulkLoad[0], Assert.Single(result.Traps).Site);
    }

    [Fact]
    public void CopyMcToKernel_LeadIsAtMost3Bytes_ReturnsNMinus3()
    {
        // Co-aligned at 1 (mod 4, though not mod 8): L = 3, n1 = 997; word 15 of the first iteration faults.
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(1000, 1, 5, [63]));

        Assert.Equal(997, result.Returned);
        Assert.Equal(3 + 40, result.Stored);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(4095, 4032)]
    public void CopyMcToKernel_PageCopyAnyFault_Returns4096(int poison, int stored)
    {
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(4096, 0, 0, [poison]));

        Assert.Equal(4096, result.Returned);
        Assert.Equal(stored, result.Stored);
    }

    [Fact]
    public void CopyMcToUser_ShiftCopyWith4ByteWords_ReturnsExactlyTheBytesNotStored()
    {
        // Source 3 bytes past alignment: the shift copy loads word m+1 to store word m; the load at offset 189
        // (line 192) is word 48, so words 0-46 (188 bytes) were stored.
        var result = Probe.Run("copy_mc_to_user", new CopyCase(1000, 3, 0, [200]));

        Assert.Equal(188, result.Stored);
        Assert.Equal(812, result.Returned);
        Assert.Equal(AsmCopyToUser.ShiftLoad, Assert.Single(result.Traps).Site);
    }
}
