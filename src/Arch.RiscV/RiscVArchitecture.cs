using System.Globalization;

namespace KernelModel.Arch.RiscV;

/// <summary>
/// A RISC-V kernel on a machine: its copy routines (with or without the seed patch), their exception table, the
/// trap handlers, and the virtual memory layout of its paging mode.
/// </summary>
public sealed class RiscVArchitecture : IArchitecture
{
    /// <summary>Builds the backend for <paramref name="machine"/> as <paramref name="name"/> with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options disagree, or the machine has more memory than the linear map holds.</exception>
    public RiscVArchitecture(Machine machine, string name, RiscVOptions options)
    {
        options.Validate();
        var layout = options.Layout;
        if (machine.Memory.Size > layout.LinearMapSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {machine.Memory.Size >> 20} MiB of memory does not fit the {options.PagingMode} linear map at PAGE_OFFSET {Printf.HashLx(layout.PageOffset)}: at most {layout.LinearMapSize >> 20} MiB"));
        }

        Name = name;
        Options = options;
        PageOffset = layout.PageOffset;
        TaskSize = layout.TaskSize;
        Memcpy memcpy;
        if (options.SeedPatch)
        {
            var copy = new RiscVCopyMc(machine, options.Szreg);
            (CopyMc, Extable, memcpy) = (copy, RiscVCopyMc.Extable, copy.Memcpy);
        }
        else
        {
            var copy = new RiscVUpstreamCopyMc(machine, options.Szreg);
            (CopyMc, Extable, memcpy) = (copy, RiscVUpstreamCopyMc.Extable, copy.Memcpy);
        }

        Uaccess = new RiscVUaccess(machine, options.Szreg);
        Extable = Extable.Concat(RiscVUaccess.ExtableFor(options.Szreg));

        // copy_mc_to_user is __asm_copy_to_user on both: its loads have entries, and any entry is fixed up.
        var userRecovers = Extable.Entries.Any(e => e.Site.Routine == AsmCopyToUser.Routine && e.Site.Access == SiteAccess.Load);
        Trap = new RiscVTrap(machine, Extable)
        {
            Delivery = options.PoisonDelivery,
            KernelTrapsEnterNmi = options.KernelTrapsEnterNmi,
            Xlen = options.Xlen,
        };
        CopyRoutines = Mm.CopyRoutines.Standard(CopyMc, memcpy.Run, userRecovers).ToArray();
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The profile's options.</summary>
    public RiscVOptions Options { get; }

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
    public ulong PageOffset { get; }

    /// <inheritdoc />
    public ulong TaskSize { get; }
}
