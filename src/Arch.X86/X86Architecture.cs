namespace KernelModel.Arch.X86;

/// <summary>
/// The x86-64 backend: upstream's copy_mc dispatch and routines, the uaccess routines that read user memory,
/// the exception table of all their sites, and the machine-check and page-fault handlers, under one set of
/// <see cref="X86Options"/>. Kernel linear map at PAGE_OFFSET 0xffff888000000000 (4-level paging, no KASLR),
/// user space below TASK_SIZE_MAX 0x7ffffffff000. The action-required severity rows need CONFIG_MEMORY_FAILURE,
/// so copy_mc recovery needs a machine booted with a memory-failure handler.
/// </summary>
public sealed class X86Architecture : IArchitecture
{
    /// <summary>The current-upstream profile.</summary>
    public const string ProfileName = "x86_64";

    /// <summary>The profile of a platform with the fragile-copy quirk (copy_mc_fragile).</summary>
    public const string FragileProfileName = "x86_64-fragile";

    /// <summary>Builds the backend of a machine.</summary>
    /// <param name="machine">The machine (its memory-failure handler is plugged in after this runs).</param>
    /// <param name="options">The profile's options; validated here.</param>
    /// <param name="name">The profile name.</param>
    public X86Architecture(Machine machine, X86Options options, string name = ProfileName)
    {
        options.Validate();
        Name = name;
        Options = options;
        var copy = new X86CopyMc(machine, options);
        CopyMc = copy;
        Memset = new Memset(machine);
        Uaccess = new X86Uaccess(machine, copy.CopyUserGeneric);
        Extable = CopyMcFragile.Extable.Concat(CopyMcEnhancedFastString.Extable).Concat(CopyUserGeneric.Extable).Concat(X86Uaccess.Extable);
        Instructions = CopyMcFragile.Instructions.Concat(CopyMcEnhancedFastString.Instructions).Concat(Memcpy.Instructions)
            .Concat(CopyUserGeneric.Instructions).Concat(X86Uaccess.Instructions).Concat(Memset.Instructions).ToDictionary(i => i.Site);
        var fixup = new X86ExceptionFixup(machine, Extable, options);
        var severity = new MceSeverity(Extable, Instructions, options, TaskSize, () => machine.MemoryFailureHandler is not MemoryFailureNotConfigured);
        Trap = new X86Trap(new MachineCheck(machine, severity, fixup, options), new X86PageFault(machine, fixup, options));
        CopyRoutines =
        [
            new("copy_mc_to_kernel", false, false, CopyReturnKind.BytesNotCopied, copy.Recovers, (d, s, n) => (long)copy.CopyMcToKernel(d, s, n)),
            new("copy_mc_to_user", true, false, CopyReturnKind.BytesNotCopied, copy.Recovers, (d, s, n) => (long)copy.CopyMcToUser(d, s, n)),
            new("memcpy", false, false, CopyReturnKind.None, false, (d, s, n) =>
            {
                copy.Memcpy.Copy(d, s, n);
                return 0;
            }),
        ];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The options the backend was built with.</summary>
    public X86Options Options { get; }

    /// <inheritdoc />
    public IArchCopyMc CopyMc { get; }

    /// <summary>The copy routines with their x86 types (copy_mc_fragile, copy_user_generic ...).</summary>
    public X86CopyMc X86CopyMc => (X86CopyMc)CopyMc;

    /// <summary>copy_{from,to}_user, get_user/put_user and the futex accessors, with their x86 sites.</summary>
    public X86Uaccess Uaccess { get; }

    /// <inheritdoc />
    IArchUaccess IArchitecture.Uaccess => Uaccess;

    /// <summary>memset.</summary>
    public Memset Memset { get; }

    /// <inheritdoc />
    public IArchTrap Trap { get; }

    /// <summary>The trap side with its x86 type.</summary>
    public X86Trap X86Trap => (X86Trap)Trap;

    /// <inheritdoc />
    public ExceptionTable Extable { get; }

    /// <summary>The instruction at every modelled site, for is_copy_from_user's decoder.</summary>
    public IReadOnlyDictionary<CodeSite, X86Instruction> Instructions { get; }

    /// <inheritdoc />
    public IReadOnlyList<CopyRoutine> CopyRoutines { get; }

    /// <summary>PAGE_OFFSET: __PAGE_OFFSET_BASE_L4 (0xffff888000000000).</summary>
    public ulong PageOffset => 0xffff_8880_0000_0000;

    /// <summary>TASK_SIZE_MAX: (1 &lt;&lt; 47) - PAGE_SIZE.</summary>
    public ulong TaskSize => (1UL << 47) - PhysicalMemory.PageSize;
}
