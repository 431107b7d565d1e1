namespace KernelModel.Mm.Tests.Kernel;

/// <summary>The constants carry the kernel's values and spellings.</summary>
public sealed class UapiTests
{
    [Fact]
    public void Errno_Values()
    {
        Assert.Equal((14, 5, 12, 133, 16, 22, 6, 95, 11), (Errno.EFAULT, Errno.EIO, Errno.ENOMEM, Errno.EHWPOISON, Errno.EBUSY, Errno.EINVAL, Errno.ENXIO, Errno.EOPNOTSUPP, Errno.EAGAIN));
        Assert.Equal("EHWPOISON", Errno.Name(-133));
    }

    [Fact]
    public void VmFault_ValuesAndHindex()
    {
        Assert.Equal(0x10u, (uint)VmFault.Hwpoison);
        Assert.Equal(0x20u, (uint)VmFault.HwpoisonLarge);
        var fault = VmFault.HwpoisonLarge | VmFaultExtensions.SetHindex(1);
        Assert.Equal(0x10020u, (uint)fault);
        Assert.Equal(1, fault.GetHindex());
        Assert.Equal("VM_FAULT_HWPOISON_LARGE|VM_FAULT_SET_HINDEX(1)", fault.ToKernelString());
    }

    [Fact]
    public void MfFlags_ValuesAndNames()
    {
        Assert.Equal((1, 2, 4, 8, 16, 32, 64, 128), ((int)MfFlags.CountIncreased, (int)MfFlags.ActionRequired, (int)MfFlags.MustKill, (int)MfFlags.SoftOffline,
            (int)MfFlags.Unpoison, (int)MfFlags.SwSimulated, (int)MfFlags.NoRetry, (int)MfFlags.MemPreRemove));
        Assert.Equal("MF_ACTION_REQUIRED|MF_MUST_KILL", (MfFlags.ActionRequired | MfFlags.MustKill).ToKernelString());
        Assert.Equal("0", MfFlags.None.ToKernelString());
    }

    [Fact]
    public void Signals_ValuesAndNames()
    {
        Assert.Equal((7, 4, 5, 3, 0x80), (Signals.SIGBUS, Signals.BUS_MCEERR_AR, Signals.BUS_MCEERR_AO, Signals.BUS_OBJERR, Signals.SI_KERNEL));
        Assert.Equal("BUS_MCEERR_AO", Signals.CodeName(Signals.SIGBUS, 5));
    }

    [Fact]
    public void MfResult_ActionNames()
    {
        Assert.Equal(["Ignored", "Failed", "Delayed", "Recovered"], Enum.GetValues<MfResult>().Select(r => r.ActionName()));
    }

    [Fact]
    public void HashLx_IsTheKernelsSpecialHex_ZeroIncluded()
    {
        Assert.Equal("0x0", Printf.HashLx(0));
        Assert.Equal("0x1f", Printf.HashLx(31));
    }
}
