using KernelModel.Arch.RiscV.Asm;

namespace KernelModel.Arch.RiscV.Tests.Asm;

public sealed class AsmCheckTests
{
    private static AsmCheck Check(int xlen) => new(SeedPatch.Routine(xlen), FixupAnyEntryTrapDouble.Create);

    [Theory]
    [InlineData(64)]
    [InlineData(32)]
    public void SmokeGrid_AgainstThePatchAssembledAgain_HasNoDifferences(int xlen)
    {
        var again = PatchAssembler.Assemble(PatchReader.ReadFile(SeedPatch.Path), AsmTarget.ForXlen(xlen));
        var reference = new AsmCheck(again, FixupAnyEntryTrapDouble.Create);

        var result = Check(xlen).Run(AsmGrids.Cases(AsmGrid.Smoke), reference.Boot);

        Assert.Equal(AsmGrids.Cases(AsmGrid.Smoke).Count(), result.Cases);
        Assert.Equal(result.Cases, result.Compared);
        Assert.Equal(0, result.DifferenceCount);
        Assert.Equal(0, result.ViolationCount);
        Assert.Equal(0, result.MisalignedAccesses);
    }

    [Fact]
    public void Rv64AgainstTheRv32Build_ListsTheCasesWhereA2Differs()
    {
        var result = Check(64).Run(CopyContractGrid.Cases(1000, 3, 3), Check(32).Boot);

        // Middle line (offset 445): RV64 is in bulk iteration 3 word 7, RV32 in iteration 6 word 15.
        // Last line (offset 957): RV64 is in its byte tail (r = 99), RV32 still in bulk iteration 14 word 15.
        Assert.Equal(5, result.Compared);
        Assert.Equal(2, result.DifferenceCount);
        Assert.Equal(
            [(995L, 389L, 999L, 425L), (99L, 957L, 999L, 937L)],
            result.Differences.Select(d => (d.Patch.Returned, d.Patch.Stored, d.Reference.Returned, d.Reference.Stored)));
        Assert.Equal("len 1000 src+3 dst+3 poison [500]: patch returned 995, stored 389, reference returned 999, stored 425", result.Differences[0].ToString());
    }

    [Fact]
    public void AgainstTheGenericFallback_EveryConsumedPoisonIsADifference()
    {
        var generic = () => new Machine(AsmCheck.Config, m => new GenericArchitecture(m));

        var result = Check(64).Run(CopyContractGrid.Cases(1000, 3, 3), generic);

        Assert.Equal(3, result.DifferenceCount);
        Assert.All(result.Differences, d => Assert.True(d.Reference.Died && !d.Patch.Died));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(32)]
    public void Precision_PerPhase_ExactOnFirstAccessAndOverByTheBytesThePhaseStored(int xlen)
    {
        var result = Check(xlen).Run(AsmGrids.Cases(AsmGrid.Smoke), null);

        Assert.Equal(0, result.ViolationCount);
        Assert.Equal([".Llead_copy", ".Lunrolled_loop", ".Lword_tail", ".Lbyte_tail"], result.Precision.Select(p => p.Phase));
        Assert.All(result.Precision, p =>
        {
            Assert.Equal(p.Faults, p.OverIsStoredInPhase);
            Assert.Equal(p.FirstAccessFaults, p.FirstAccessExact);
            Assert.Equal(0, p.UnderEstimates);
        });
        var lead = result.Precision[0];
        Assert.Equal((lead.Faults, 0L), (lead.FirstAccessFaults, lead.MaxOverEstimate));
        var bulk = result.Precision[1];
        Assert.True(bulk.LaterFaults > 0 && bulk.MaxOverEstimate >= 2048, $"bulk: {bulk.LaterFaults} later faults, max over {bulk.MaxOverEstimate}");
    }

    [Fact]
    public void DestinationOutsideTheLinearMap_TheStoreFixupReturnsACountInsteadOfAnOops()
    {
        var fault = Check(64).DestinationFault();

        Assert.Equal(4096, fault.Returned);
        Assert.Null(fault.Death);
        Assert.Equal("arch/riscv/lib/memcpy_template.S:70 sd a4, 0(t6)", fault.Site);
        Assert.Equal("extable EX_TYPE_FIXUP -> 6f: arch/riscv/lib/memcpy_mc.S:52 move a0, a2", fault.Outcome);
    }

    [Fact]
    public void DestinationOutsideTheLinearMap_OnTheGenericFallback_Oopses()
    {
        var fault = AsmCheck.DestinationFault(new Machine(AsmCheck.Config, m => new GenericArchitecture(m)));

        Assert.Null(fault.Returned);
        Assert.Equal("Oops: asmcheck:1 killed", fault.Death);
    }
}
