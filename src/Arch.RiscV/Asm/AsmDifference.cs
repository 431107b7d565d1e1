
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>A grid case where the executed patch and the reference backend disagree.</summary>
/// <param name="Case">The copy.</param>
/// <param name="Patch">What the executed patch did.</param>
/// <param name="Reference">What the reference profile's copy_mc_to_kernel did.</param>
public sealed record AsmDifference(CopyCase Case, CopyProbeResult Patch, CopyProbeResult Reference)
{
    /// <summary>Whether two runs of a case differ in what the caller sees: return value, bytes stored, death, bytes written outside.</summary>
    public static bool Differ(CopyProbeResult a, CopyProbeResult b) =>
        a.Returned != b.Returned || a.Stored != b.Stored || a.Died != b.Died || a.Panicked != b.Panicked || a.OutsideUntouched != b.OutsideUntouched;

    /// <summary>One line: the case and each side's outcome.</summary>
    public override string ToString() => $"{Case}: patch {Outcome(Patch)}, reference {Outcome(Reference)}";

    private static string Outcome(CopyProbeResult r) => r.Died
        ? $"died ({r.DeathMessage}) after storing {r.Stored}"
        : $"returned {r.Returned}, stored {r.Stored}{(r.OutsideUntouched ? string.Empty : ", wrote outside the destination")}";
}
