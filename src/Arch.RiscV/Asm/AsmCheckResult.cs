
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>What <see cref="AsmCheck.Run"/> found.</summary>
public sealed class AsmCheckResult
{
    private readonly List<string> _violations = [];
    private readonly List<AsmDifference> _differences = [];
    private readonly Dictionary<string, PhasePrecision> _phases = new(StringComparer.Ordinal);
    private readonly AsmRoutine _routine;

    internal AsmCheckResult(AsmRoutine routine) => _routine = routine;

    /// <summary>Cases run.</summary>
    public int Cases { get; private set; }

    /// <summary>Cases with poison in the copied source.</summary>
    public int PoisonedCases { get; private set; }

    /// <summary>Cases where the patch broke the copy_mc contract.</summary>
    public int ViolationCount { get; private set; }

    /// <summary>The first <see cref="AsmCheck.Kept"/> violations.</summary>
    public IReadOnlyList<string> Violations => _violations;

    /// <summary>Cases compared with the reference.</summary>
    public int Compared { get; private set; }

    /// <summary>Cases where patch and reference differ.</summary>
    public int DifferenceCount { get; private set; }

    /// <summary>The first <see cref="AsmCheck.Kept"/> differences.</summary>
    public IReadOnlyList<AsmDifference> Differences => _differences;

    /// <summary>Loads and stores whose address was not a multiple of their size, over all cases.</summary>
    public long MisalignedAccesses { get; private set; }

    /// <summary>The return value's precision per phase, in address order.</summary>
    public IReadOnlyList<PhasePrecision> Precision => _phases.Values.OrderBy(p => p.Address).ToArray();

    internal void Count(CopyCase copy, CopyProbeResult run, AsmCall? call)
    {
        Cases++;
        PoisonedCases += run.FirstPoison is null ? 0 : 1;
        if (!run.ContractOk && ViolationCount++ < AsmCheck.Kept)
        {
            _violations.Add($"{copy}: {run.Violation}");
        }

        if (call is null)
        {
            return;
        }

        MisalignedAccesses += call.MisalignedAccesses;
        if (call.Faults is [var fault, ..])
        {
            if (!_phases.TryGetValue(fault.Phase, out var phase))
            {
                var start = _routine.Program.Instructions.First(i => i.Region == fault.Phase).Address;
                _phases[fault.Phase] = phase = new PhasePrecision(fault.Phase, start);
            }

            phase.Add(fault, copy, run.Returned, run.Stored);
        }
    }

    internal void Compare(CopyCase copy, CopyProbeResult patch, CopyProbeResult reference)
    {
        Compared++;
        if (AsmDifference.Differ(patch, reference) && DifferenceCount++ < AsmCheck.Kept)
        {
            _differences.Add(new AsmDifference(copy, patch, reference));
        }
    }
}
