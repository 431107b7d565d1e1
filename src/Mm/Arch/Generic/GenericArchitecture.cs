namespace KernelModel.Mm;

/// <summary>
/// The generic fallback as a profile of its own (<c>generic</c>): no ARCH_HAS_COPY_MC, so every kernel-mode
/// consumption kills the kernel. It is half of every before/after comparison.
/// </summary>
public sealed class GenericArchitecture : IArchitecture
{
    /// <summary>The profile's name.</summary>
    public const string ProfileName = "generic";

    /// <summary>Builds the backend for a machine.</summary>
    public GenericArchitecture(Machine machine)
    {
        var copy = new GenericCopyMc(machine);
        CopyMc = copy;
        Uaccess = new GenericUaccess(machine, copy);
        Extable = GenericCopyMc.Extable.Concat(GenericUaccess.Extable);
        Trap = new GenericTrap(machine, Extable);
        CopyRoutines = Mm.CopyRoutines.Standard(copy, copy.Memcpy, userRecovers: false).ToArray();
    }

    /// <inheritdoc />
    public string Name => ProfileName;

    /// <inheritdoc />
    public IArchCopyMc CopyMc { get; }

    /// <inheritdoc />
    public IArchTrap Trap { get; }

    /// <inheritdoc />
    public IArchUaccess Uaccess { get; }

    /// <inheritdoc />
    public ExceptionTable Extable { get; }

    /// <inheritdoc />
    public IReadOnlyList<CopyRoutine> CopyRoutines { get; }

    /// <inheritdoc />
    public ulong PageOffset => 0xffff_0000_0000_0000;

    /// <inheritdoc />
    public ulong TaskSize => 0x0000_8000_0000_0000;
}
