using KernelModel.Arch.RiscV.Asm;

namespace KernelModel.Arch.RiscV.Tests.Asm;

/// <summary>The seed patch as mailed, read at run time, assembled for RV64 and RV32.</summary>
public sealed class SeedPatchTests
{
    private const string Template = "arch/riscv/lib/memcpy_template.S";
    private const string McFile = "arch/riscv/lib/memcpy_mc.S";

    [Fact]
    public void Mail_HasTheSixFilesWithTheTwoNewOnesWhole()
    {
        var patch = SeedPatch.Patch;

        Assert.StartsWith("[PATCH] riscv: add copy_mc_to_{kernel,user} support", patch.Subject, StringComparison.Ordinal);
        Assert.Equal(["arch/riscv/Kconfig", "arch/riscv/include/asm/uaccess.h", "arch/riscv/lib/Makefile", "arch/riscv/lib/memcpy.S", McFile, Template],
            patch.Files.Select(f => f.Path));
        Assert.Equal(57, patch.Find(McFile)!.Result().Lines.Count);
        Assert.Equal(124, patch.Find(Template)!.Result().Lines.Count);
        Assert.Equal(["1-6", "after 43"], patch.Find("arch/riscv/lib/memcpy.S")!.Result().Gaps);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(32)]
    public void MemcpyMc_AssemblesWithItsAliases(int xlen)
    {
        var routine = SeedPatch.Routine(xlen);

        Assert.Equal("__memcpy_mc", routine.Name);
        Assert.Equal(["__pi___memcpy_mc", "__pi_memcpy_mc", "memcpy_mc"], routine.Aliases.Order(StringComparer.Ordinal));
        Assert.Equal(76, routine.Body.Count);
        Assert.Equal(new SourceLocation(Template, 27), routine.Entry.Origin);
    }

    [Theory]
    [InlineData(64, "ld", 8)]
    [InlineData(32, "lw", 4)]
    public void BulkLoop_UsesRegL_AtSzregSteps(int xlen, string regL, int szreg)
    {
        var bulk = SeedPatch.Routine(xlen).Loads.Where(l => l.Region == ".Lunrolled_loop").ToArray();

        Assert.Equal(16, bulk.Length);
        Assert.All(bulk, l => Assert.StartsWith(regL + " ", l.Text, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, 16).Select(k => (long)k * szreg), bulk.Select(l => l.Immediate));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(32)]
    public void ExceptionTable_EveryLoadAndEveryStoreHasAnExFixupEntryToLabel6(int xlen)
    {
        var routine = SeedPatch.Routine(xlen);

        Assert.Equal(19, routine.Loads.Count());
        Assert.Equal(19, routine.Stores.Count());
        Assert.Equal(38, routine.Extable.Count());
        Assert.All(routine.Loads.Concat(routine.Stores), i =>
        {
            var entry = routine.EntryFor(i);
            Assert.NotNull(entry);
            Assert.Equal(("EX_TYPE_FIXUP", 1), (entry.Type, entry.TypeValue));
            Assert.Equal($"6f: {McFile}:52 move a0, a2", entry.Fixup);
        });
        Assert.True(routine.EveryLoadHasAnEntry);
    }

    [Fact]
    public void StoreSites_AreTheTemplatesStoreLines()
    {
        var stores = SeedPatch.Routine(64).Stores.Select(s => s.Site!).ToArray();

        Assert.All(stores, s => Assert.Equal(("__memcpy_mc", SiteAccess.Store), (s.Routine, s.Access)));
        Assert.Equal($"{Template}:50 sb a5, 0(t6)", stores[0].Label);
        Assert.Equal($"{Template}:119 sb a4, 0(t6)", stores[^1].Label);
    }

    [Fact]
    public void PlainMemcpy_CannotBeBuiltFromTheHunks_AndTheErrorNamesTheMissingLines()
    {
        var e = Assert.Throws<AsmException>(() => PatchAssembler.Assemble(SeedPatch.Patch, AsmTarget.Rv64, "__memcpy"));

        Assert.Equal("arch/riscv/lib/memcpy.S:39: unknown instruction 'SYM_FUNC_START(__memcpy)': the model assembles RV64I/RV32I loads, stores, integer arithmetic, logic, shifts, set-less-than, lui/auipc, branches, jal/jalr and their pseudo-instructions (lines 1-6, after 43 of arch/riscv/lib/memcpy.S are not in the patch)", e.Message);
    }
}
