namespace KernelModel.Arch.X86;

/// <summary>
/// The x86-64 profile's options: the CPU features and kernel-version behaviours that change the outcome of a
/// consumed poison. The defaults are the <c>x86_64</c> profile (current upstream on a recent Intel server CPU).
/// </summary>
public sealed record X86Options
{
    /// <summary>
    /// copy_mc_fragile_key (arch/x86/lib/copy_mc.c): enabled by the PCI quirks for the Ivy Bridge to Skylake
    /// Xeon RAS SKUs (quirk_intel_brickland_xeon_ras_cap, quirk_intel_purley_xeon_ras_cap) or by booting with
    /// mce=recovery. When on, copy_mc_to_kernel / copy_mc_to_user use copy_mc_fragile. Default off.
    /// </summary>
    public bool FragileQuirk { get; init; }

    /// <summary>
    /// X86_FEATURE_ERMS (enhanced REP MOVSB): copy_mc_* use copy_mc_enhanced_fast_string when the fragile quirk is
    /// off, and rep_movs_alternative uses rep movsb for 64 bytes and more. Without it and without the quirk,
    /// copy_mc_to_kernel is a plain memcpy and copy_mc_to_user is copy_user_generic: no recovery. Default on.
    /// </summary>
    public bool Erms { get; init; } = true;

    /// <summary>
    /// X86_FEATURE_FSRM (fast short REP MOVSB): copy_user_generic is an inline rep movsb instead of a call to
    /// rep_movs_alternative. memcpy is modelled as its FSRM form (rep movsb) whatever this says: memcpy has no
    /// exception-table entry, so which of its loads consumes the poison does not change the outcome. Default on.
    /// </summary>
    public bool Fsrm { get; init; } = true;

    /// <summary>What rcx reports after an interrupted REP MOVS (an assumption; see <see cref="X86.FastStringProgress"/>).</summary>
    public FastStringProgress FastStringProgress { get; init; } = FastStringProgress.PoisonedLineStart;

    /// <summary>Copy-from-user machine-check recovery by kernel era. Default: current upstream (kill_me_never).</summary>
    public CopyinRecovery CopyinRecovery { get; init; } = CopyinRecovery.KillMeNever;

    /// <summary>
    /// Shuai Xue's fix "x86/mce: add EX_TYPE_EFAULT_REG as in-kernel recovery context to fix copy-from-user
    /// operations regression" (February 2025, queued in mm-unstable; mainline merge not verified in the store):
    /// an EX_TYPE_EFAULT_REG entry (the get_user family, futex_get_value_locked) reading user memory is graded like
    /// EX_TYPE_UACCESS. Off gives the v5.17 to 2025 regression, where such a consumption panics. Default on (the
    /// issue's "futex get_user recovery enabled").
    /// </summary>
    public bool EfaultRegCopyin { get; init; } = true;

    /// <summary>
    /// MCG_STATUS.RIPV for the modelled error, a data-load SRAR (MCACOD 0x134): whether execution can restart at
    /// the interrupted instruction. Assumed set (in-kernel recovery needs it); clearing it gives
    /// MF_MUST_KILL in kill_me_maybe and "In kernel and no restart IP" for any kernel-mode consumption.
    /// </summary>
    public bool RestartIpValid { get; init; } = true;

    /// <summary>
    /// MCG_STATUS.LMCES: the machine check is delivered to the consuming CPU only (local MCE, Intel with BIOS
    /// opt-in). A fatal one then panics "Fatal local machine check" from do_machine_check; a broadcast one is
    /// logged and panics "Fatal machine check" from the monarch's mce_reign. Default off (broadcast).
    /// </summary>
    public bool LocalMachineCheck { get; init; }

    /// <summary>
    /// MCi_MISC's recoverable-address LSB: the granularity the CPU reports the poisoned address at. 6 (a 64-byte
    /// line) is what current Intel CPUs report for memory errors; mce_read_aux masks MCi_ADDR with it, so the
    /// console shows the line address. Above PAGE_SHIFT (12) mce_usable_address fails and a user-mode
    /// consumption gets kill_me_now (SIGBUS, no address). Valid values 0..63.
    /// </summary>
    public int MiscAddrLsb { get; init; } = PhysicalMemory.LineShift;

    /// <summary>The machine-check bank that reports a data load error (the data cache unit). Assumed bank 1; only severity rules with a bank range read it.</summary>
    public int McBank { get; init; } = 1;

    /// <summary>
    /// The configuration suffix of the oops header (arch/x86/kernel/dumpstack.c __die_header: SMP,
    /// DEBUG_PAGEALLOC, KASAN, PTI). Default " SMP NOPTI": CONFIG_SMP=y, no debug_pagealloc, no KASAN, a CPU
    /// without Meltdown so page-table isolation is off.
    /// </summary>
    public string DieHeaderConfig { get; init; } = " SMP NOPTI";

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and the valid range.</exception>
    public void Validate()
    {
        if (MiscAddrLsb is < 0 or > 63)
        {
            throw new ArgumentException($"invalid MCi_MISC address LSB {MiscAddrLsb}: valid values are 0..63");
        }

        if (McBank is < 0 or > 31)
        {
            throw new ArgumentException($"invalid machine-check bank {McBank}: valid banks are 0..31 (MAX_NR_BANKS 32)");
        }

        if (!Enum.IsDefined(FastStringProgress) || !Enum.IsDefined(CopyinRecovery))
        {
            throw new ArgumentException($"invalid option values {FastStringProgress} / {CopyinRecovery}: valid are {string.Join(", ", Enum.GetNames<FastStringProgress>())} and {string.Join(", ", Enum.GetNames<CopyinRecovery>())}");
        }
    }
}
