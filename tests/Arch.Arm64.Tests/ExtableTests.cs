using KernelModel.Mm;

namespace KernelModel.Arch.Arm64.Tests;

/// <summary>The exception table as data: which sites have entries, of which type and number, and what they recover.</summary>
public sealed class ExtableTests
{
    [Fact]
    public void ExtableTypeTables_HaveTheKernelNumbering()
    {
        Assert.Equal(
            [("EX_TYPE_NONE", 0), ("EX_TYPE_BPF", 1), ("EX_TYPE_UACCESS_ERR_ZERO", 2), ("EX_TYPE_KACCESS_ERR_ZERO", 3),
                ("EX_TYPE_LOAD_UNALIGNED_ZEROPAD", 4), ("EX_TYPE_KACCESS_ERR_ZERO_MEM_ERR", 5)],
            Arm64ExtableTypes.V13.Select(t => (t.Name, t.Value)));
        Assert.Equal(
            [("EX_TYPE_NONE", 0), ("EX_TYPE_BPF", 1), ("EX_TYPE_UACCESS_ERR_ZERO", 2), ("EX_TYPE_KACCESS_ERR_ZERO", 3),
                ("EX_TYPE_UACCESS_CPY", 4), ("EX_TYPE_LOAD_UNALIGNED_ZEROPAD", 5)],
            Arm64ExtableTypes.Current.Select(t => (t.Name, t.Value)));
    }

    [Theory]
    [InlineData(Arm64MemErrExtable.V13KaccessErrZeroMemErr, "EX_TYPE_KACCESS_ERR_ZERO_MEM_ERR", 5)]
    [InlineData(Arm64MemErrExtable.V14KaccessErrZeroReuseAssumed, "EX_TYPE_KACCESS_ERR_ZERO", 3)]
    public void Series_KernelLoadsCarryTheMemErrKindAndStoresOfMemcpyMcNone(Arm64MemErrExtable kind, string type, int value)
    {
        var table = new Arm64Extable(Arm64Options.Series with { MemErrExtable = kind }).Table;

        foreach (var load in MemcpyMc.Loads.Concat(CopyToUser.Loads).Append(CopyToUser.RetryLoad)
                     .Concat(CopyMcPage.PrologueLoads).Concat(CopyMcPage.LoopLoads).Append(MteCopyMcPageTags.Ldgm))
        {
            var entry = table.Search(load);
            Assert.NotNull(entry);
            Assert.Equal((type, value), (entry.Type, entry.TypeValue));
        }

        Assert.All(MemcpyMc.Stores.Concat(CopyMcPage.LoopStores).Concat(CopyMcPage.EpilogueStores).Append(MteCopyMcPageTags.Stgm),
            s => Assert.Null(table.Search(s)));
        Assert.All(CopyToUser.Stores.Append(CopyToUser.RetryStore), s => Assert.Equal(("EX_TYPE_UACCESS_ERR_ZERO", 2), (table.Search(s)!.Type, table.Search(s)!.TypeValue)));
        Assert.Equal(23, MemcpyMc.Loads.Count);
        Assert.Equal(23, MemcpyMc.Stores.Count);
        // 23 store macros, of which the 15 stp1 are user_stp's two sttr in copy_to_user.
        Assert.Equal(23 + 15, CopyToUser.Stores.Count);
        // copy_from_user's 23 loads and its retry load, get_user/put_user's 8 and the futex atomics' 4.
        Assert.Equal(38 + 1 + 23 + 1 + 23 + 16 + 1 + 23 + 1 + 12, table.Entries.Count);
    }

    [Fact]
    public void Series_FixupTargetsAreTheRoutinesLabels()
    {
        var table = new Arm64Extable(Arm64Options.Series with { MemErrExtable = Arm64MemErrExtable.V13KaccessErrZeroMemErr }).Table;

        Assert.Equal("9997f: x0 = end - dst", table.Search(MemcpyMc.Loads[0])!.Fixup);
        Assert.Equal("9998f: x0 = end - dst", table.Search(CopyToUser.Loads[0])!.Fixup);
        Assert.Equal("9997f: if nothing stored, try one byte; x0 = end - dst", table.Search(CopyToUser.Stores[0])!.Fixup);
        Assert.Equal("9998f: x0 = -EFAULT", table.Search(CopyMcPage.LoopLoads[3])!.Fixup);
        Assert.Equal("2f: x0 = -EFAULT", table.Search(MteCopyMcPageTags.Ldgm)!.Fixup);
    }

    [Fact]
    public void Upstream_OnlyTheUserSideInstructionsHaveEntries()
    {
        var table = new Arm64Extable(Arm64Options.Upstream).Table;

        Assert.Equal(
            CopyToUser.Stores.Append(CopyToUser.RetryStore).Concat(CopyFromUser.Loads).Append(CopyFromUser.RetryLoad)
                .Concat(Arm64Uaccess.GetUserLoad).Concat(Arm64Uaccess.PutUserStore)
                .Concat([Arm64Uaccess.FutexOpLoad, Arm64Uaccess.FutexOpStore, Arm64Uaccess.CmpxchgLoad, Arm64Uaccess.CmpxchgStore]),
            table.Entries.Select(e => e.Site));
        Assert.All(table.Entries, e => Assert.Equal("EX_TYPE_UACCESS_ERR_ZERO", e.Type));
        Assert.Null(table.Search(CopyFromUser.RetryStore));
    }

    [Theory]
    [InlineData(Arm64Mops.None, false)]
    [InlineData(Arm64Mops.V13, false)]
    [InlineData(Arm64Mops.V14Assumed, true)]
    public void Mops_OnlyTheV14AssumptionGivesCopyMcPagesCpyAnEntry(Arm64Mops mops, bool entry)
    {
        var table = new Arm64Extable(Arm64Options.Series with { Mops = mops }).Table;

        Assert.Equal(entry, table.Search(CopyMcPage.MopsMainLoad) is not null);
        Assert.Null(table.Search(MemcpyMc.MopsMainLoad));
    }

    [Fact]
    public void FixupException_IgnoresTheMemErrKind_FixupExceptionMeTakesItAndUaccess()
    {
        var extable = new Arm64Extable(Arm64Options.Series);

        Assert.Null(extable.FixupException(MemcpyMc.Loads[0]));
        Assert.NotNull(extable.FixupExceptionMe(MemcpyMc.Loads[0]));
        Assert.NotNull(extable.FixupException(CopyToUser.Stores[0]));
        Assert.NotNull(extable.FixupExceptionMe(CopyToUser.Stores[0]));
        Assert.Null(extable.FixupExceptionMe(MemcpyMc.Stores[0]));
        Assert.Null(extable.FixupExceptionMe(GenericCopyMc.MemcpyLoad));
    }

    [Fact]
    public void IsRecoverable_NeedsTheSeriesAndGhes()
    {
        var withGhes = Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes());
        var withoutGhes = Arm64Machines.Boot(Arm64Options.Series);
        var upstream = Arm64Machines.Boot(Arm64Options.Upstream, new ClaimingGhes());

        Assert.All(withGhes.Arch.Extable.Entries, e => Assert.True(withGhes.Arch.Trap.IsRecoverable(e)));
        Assert.All(withoutGhes.Arch.Extable.Entries, e => Assert.False(withoutGhes.Arch.Trap.IsRecoverable(e)));
        Assert.All(upstream.Arch.Extable.Entries, e => Assert.False(upstream.Arch.Trap.IsRecoverable(e)));
    }

    [Fact]
    public void Options_OutOfRange_AreRejectedWithTheValidRange()
    {
        var bs = Assert.Throws<ArgumentException>(() => Arm64Machines.Boot(Arm64Options.Series with { MteGmidBs = 2 }));
        var mops = Assert.Throws<ArgumentException>(() => Arm64Machines.Boot(Arm64Options.Upstream with { Mops = Arm64Mops.V13 }));

        Assert.Equal("invalid GMID_EL1.BS 2: valid values are 3..6", bs.Message);
        Assert.Contains("ArchHasCopyMc", mops.Message, StringComparison.Ordinal);
    }
}
