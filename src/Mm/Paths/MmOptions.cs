namespace KernelModel.Mm;

/// <summary>
/// The choices of the generic mm paths that depend on the kernel version, its configuration or its
/// architecture's fault handler. A profile sets them; each default is named below.
/// </summary>
public sealed record MmOptions
{
    /// <summary>
    /// What copy_mc_[user_]highpage() return on a failed copy (and how khugepaged tests it). Default
    /// <see cref="HighpageCopyFailure.Efault"/>, the arm64 series' patch 3 that both seed patches are reviewed with.
    /// </summary>
    public HighpageCopyFailure HighpageCopyFailure { get; init; } = HighpageCopyFailure.Efault;

    /// <summary>
    /// How a VM_FAULT_HWPOISON[_LARGE] user fault is signalled. Default <see cref="HwpoisonFaultSignal.DoSigbus"/>
    /// (x86's do_sigbus, the form shared/reference/kernel-paths.md describes); arm64 and RISC-V profiles must pick
    /// theirs, since their fault handlers differ.
    /// </summary>
    public HwpoisonFaultSignal HwpoisonFaultSignal { get; init; } = HwpoisonFaultSignal.DoSigbus;

    /// <summary>
    /// transparent_hugepage/enabled for anonymous page faults. Default <see cref="ThpEnabled.Always"/>, the
    /// upstream Kconfig default (CONFIG_TRANSPARENT_HUGEPAGE_ALWAYS).
    /// </summary>
    public ThpEnabled TransparentHugepage { get; init; } = ThpEnabled.Always;

    /// <summary>Checks that every choice is a defined value.</summary>
    /// <exception cref="ArgumentException">A value is not one of the enum's members; the message lists the valid ones.</exception>
    public void Validate()
    {
        Check(HighpageCopyFailure);
        Check(HwpoisonFaultSignal);
        Check(TransparentHugepage);
    }

    private static void Check<T>(T value)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentException($"invalid {typeof(T).Name} {value}: valid values are {string.Join(", ", Enum.GetNames<T>())}");
        }
    }
}
