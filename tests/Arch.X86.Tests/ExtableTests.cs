using KernelModel.Mm;

namespace KernelModel.Arch.X86.Tests;

/// <summary>The x86 exception-table types and entries as data, and which sites a #MC is recoverable at.</summary>
public sealed class ExtableTests
{
    [Fact]
    public void ExType_Values_AreTheKernels()
    {
        Assert.Equal(
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
            Enum.GetValues<ExType>().Select(t => (int)t));
        Assert.Equal("EX_TYPE_DEFAULT_MCE_SAFE", X86Extable.Name(ExType.DefaultMceSafe));
        Assert.Equal("EX_TYPE_FAULT_MCE_SAFE", X86Extable.Name(ExType.FaultMceSafe));
        Assert.Equal(14, (int)ExType.DefaultMceSafe);
        Assert.Equal(15, (int)ExType.FaultMceSafe);
    }

    [Fact]
    public void EfaultReg_IsImmRegWithMinusEfaultInTheTopHalf()
    {
        Assert.Equal(17 | (-14 << 16), X86Extable.EfaultReg);
        Assert.Equal(-917487, X86Extable.EfaultReg);
        Assert.Equal(ExType.ImmReg, X86Extable.TypeOf(X86Extable.EfaultReg));
        Assert.Equal(-Errno.EFAULT, X86Extable.ImmOf(X86Extable.EfaultReg | X86Extable.FlagClearAx));
    }

    [Fact]
    public void CopyMcFragile_Entries_ReadsMceSafeWritesDefault()
    {
        Assert.Equal(
            [(ExType.DefaultMceSafe, SiteAccess.Load), (ExType.DefaultMceSafe, SiteAccess.Load), (ExType.DefaultMceSafe, SiteAccess.Load),
             (ExType.Default, SiteAccess.Store), (ExType.Default, SiteAccess.Store), (ExType.Default, SiteAccess.Store)],
            CopyMcFragile.Extable.Entries.Select(e => (X86Extable.TypeOf(e.TypeValue), e.Site.Access)));
    }

    [Fact]
    public void Architecture_EveryExtableSite_HasItsInstruction()
    {
        var x86 = X86Machines.Boot().X86();

        // copy_mc (fragile, fast string) and copy_user_generic: 18; __get_user_asm, getuser.S, putuser.S: 12; the futex atomics: 9.
        Assert.Equal(18 + 12 + 9, x86.Extable.Entries.Count);
        Assert.All(x86.Extable.Entries, e => Assert.True(x86.Instructions.ContainsKey(e.Site), e.Site.ToString()));
        Assert.All(CopyUserGeneric.Extable.Entries, e => Assert.Equal("EX_TYPE_UACCESS", e.Type));
    }

    [Theory]
    [InlineData("copy_mc_fragile", ".L_read_words: movq (%rsi),%r8", true)]
    [InlineData("copy_mc_fragile", ".L_write_words: movq %r8,(%rdi)", false)]
    [InlineData("copy_mc_enhanced_fast_string", ".L_copy: rep movsb (load)", true)]
    [InlineData("rep_movs_alternative", ".Lcopy_user_tail: 0: movb (%rsi),%al", true)]
    [InlineData("rep_movs_alternative", ".Lcopy_user_tail: 1: movb %al,(%rdi)", false)]
    [InlineData("__get_user_asm", "1: movl %[umem],%[output]", true)]
    [InlineData("futex_atomic_cmpxchg_inatomic", "1: lock cmpxchgl %3,%2 (load)", false)]
    public void IsRecoverable_X86_64_MceSafeAndUserReadingSites(string routine, string label, bool recoverable)
    {
        var x86 = X86Machines.Boot().X86();
        var entry = Assert.Single(x86.Extable.Entries, e => e.Site.Routine == routine && e.Site.Label == label);

        Assert.Equal(recoverable, x86.Trap.IsRecoverable(entry));
    }

    [Fact]
    public void IsRecoverable_OlderEras_UaccessAndGetUserAreNot()
    {
        var none = X86Machines.Boot(new X86Options { CopyinRecovery = CopyinRecovery.None }).X86();
        var noFix = X86Machines.Boot(new X86Options { EfaultRegCopyin = false }).X86();

        Assert.False(none.Trap.IsRecoverable(none.Extable.Search(CopyUserGeneric.TailLoad)!));
        Assert.False(noFix.Trap.IsRecoverable(noFix.Extable.Search(X86Uaccess.GetUserLoad)!));
        Assert.True(noFix.Trap.IsRecoverable(noFix.Extable.Search(CopyUserGeneric.TailLoad)!));
    }

    [Fact]
    public void IsRecoverable_WithoutMemoryFailure_Nothing()
    {
        var x86 = X86Machines.BootWithoutMemoryFailure().X86();

        Assert.DoesNotContain(x86.Extable.Entries, x86.Trap.IsRecoverable);
    }
}
