
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// How precise the routine's return value is after a fault in one phase (named label region): over every fault seen
/// there, the over-estimate is the value returned minus the bytes really not stored. A count kept only at phase
/// boundaries (the template's a2, arch-copy-mc.md 5.4) is exact on the phase's first access and over-states by exactly
/// the bytes the phase stored before the fault; <see cref="OverIsStoredInPhase"/> counts the faults where that holds.
/// </summary>
public sealed class PhasePrecision
{
    internal PhasePrecision(string phase, ulong address)
    {
        Phase = phase;
        Address = address;
    }

    /// <summary>The phase's label (<c>.Lunrolled_loop</c>).</summary>
    public string Phase { get; }

    /// <summary>Where the phase starts (for ordering).</summary>
    public ulong Address { get; }

    /// <summary>Faults in the phase.</summary>
    public int Faults { get; private set; }

    /// <summary>Faults on the phase's first memory access.</summary>
    public int FirstAccessFaults { get; private set; }

    /// <summary>Of those, how many returned the exact count.</summary>
    public int FirstAccessExact { get; private set; }

    /// <summary>Faults after the first access.</summary>
    public int LaterFaults => Faults - FirstAccessFaults;

    /// <summary>Of those, how many returned the exact count (no store of the phase had happened yet).</summary>
    public int LaterExact { get; private set; }

    /// <summary>Faults whose over-estimate equals the bytes the phase had stored before the fault.</summary>
    public int OverIsStoredInPhase { get; private set; }

    /// <summary>Faults that returned fewer than the bytes not stored (a contract violation).</summary>
    public int UnderEstimates { get; private set; }

    /// <summary>The largest over-estimate seen.</summary>
    public long MaxOverEstimate { get; private set; }

    /// <summary>The case that showed <see cref="MaxOverEstimate"/>, or null.</summary>
    public CopyCase? MaxCase { get; private set; }

    /// <summary>Accounts one fault: the copy returned <paramref name="returned"/> having stored <paramref name="stored"/> of <c>copy.Length</c>.</summary>
    public void Add(AsmFault fault, CopyCase copy, long returned, long stored)
    {
        var over = returned - (copy.Length - stored);
        Faults++;
        if (fault.FirstAccessOfPhase)
        {
            FirstAccessFaults++;
            FirstAccessExact += over == 0 ? 1 : 0;
        }
        else
        {
            LaterExact += over == 0 ? 1 : 0;
        }

        OverIsStoredInPhase += over == fault.BytesStoredInPhase ? 1 : 0;
        UnderEstimates += over < 0 ? 1 : 0;
        if (MaxCase is null || over > MaxOverEstimate)
        {
            MaxOverEstimate = over;
            MaxCase = copy;
        }
    }
}
