namespace KernelModel.Arch.RiscV.Tests;

/// <summary>The exception tables as data: which sites of which routines have entries.</summary>
public sealed class RiscVExtableTests
{
    [Fact]
    public void Extable_Riscv64_EveryLoadAndStoreOfMemcpyMcHasAFixupTo6()
    {
        var table = RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64).Arch.Extable;

        var mc = table.Entries.Where(e => e.Site.Routine == "__memcpy_mc").ToArray();
        Assert.Equal(MemcpyMc.Sites.All, mc.Select(e => e.Site));
        Assert.Equal(38, mc.Length);
        Assert.Equal(19, mc.Count(e => e.Site.Access == SiteAccess.Store));
        Assert.All(mc, e =>
        {
            Assert.Equal("EX_TYPE_FIXUP", e.Type);
            Assert.Equal(1, e.TypeValue);
            Assert.Equal("6f: a0 = a2", e.Fixup);
        });
    }

    [Fact]
    public void Extable_Riscv64_MemcpyHasNoEntries()
    {
        var table = RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64).Arch.Extable;

        Assert.All(Memcpy.Sites.All, s => Assert.Null(table.Search(s)));
        Assert.DoesNotContain(table.Entries, e => e.Site.Routine == "__memcpy");
    }

    [Fact]
    public void Extable_Riscv64_AsmCopyToUserHasAFixupTo10OnEveryAccess()
    {
        var table = RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64).Arch.Extable;

        var user = table.Entries.Where(e => e.Site.Routine == "__asm_copy_to_user").ToArray();
        Assert.Equal(AsmCopyToUser.Sites, user.Select(e => e.Site));
        Assert.Equal(23, user.Length);
        Assert.All(user, e => Assert.Equal("10f: a0 = t5 - a0", e.Fixup));
    }

    [Fact]
    public void Extable_Upstream_HoldsOnlyTheUaccessEntries()
    {
        var table = RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64Upstream).Arch.Extable;

        Assert.Equal(AsmCopyToUser.Sites.Concat(RiscVUaccess.ExtableFor(8).Entries.Select(e => e.Site)), table.Entries.Select(e => e.Site));
    }

    [Theory]
    [InlineData(8, "1: ld %0, %2", "__get_user_8")]
    [InlineData(4, "2: lw %1, %4", "1: ld %0, %2")]
    public void UaccessExtable_ByXlen_RV64HasLdRV32TheLwPairs(int szreg, string present, string absent)
    {
        var sites = RiscVUaccess.ExtableFor(szreg).Entries.Select(e => e.Site).ToArray();

        Assert.Contains(sites, s => s.Label == present || s.Routine == present);
        Assert.DoesNotContain(sites, s => s.Label == absent || s.Routine == absent);
        Assert.All(RiscVUaccess.ExtableFor(szreg).Entries, e => Assert.Equal(("EX_TYPE_UACCESS_ERR_ZERO", 3), (e.Type, e.TypeValue)));
    }

    [Fact]
    public void Sites_TemplateLabels_ReadLikeThePatch()
    {
        Assert.Equal("__memcpy_mc+.Lunrolled_loop: LOAD_REG t5, 9*SZREG(a1) (load)", MemcpyMc.Sites.BulkLoad[9].ToString());
        Assert.Equal("__memcpy_mc+.Lunrolled_loop: STORE_REG a4, 10*SZREG(t6) (store)", MemcpyMc.Sites.BulkStore[10].ToString());
        Assert.Equal("__memcpy+.Lword_tail: LOAD_W a4, 0(a1) (load)", Memcpy.Sites.WordTailLoad.ToString());
    }
}
