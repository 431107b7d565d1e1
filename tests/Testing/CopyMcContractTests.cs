using KernelModel.Mm;

namespace KernelModel.Testing;

/// <summary>
/// The copy_mc contract, written once and run against every backend and routine (issue: arch backends).
/// A backend's test class derives from this, says how to boot its profile, and adds its own exact-value
/// assertions. The truth for every case comes from a naive byte-by-byte oracle: it stores every byte before
/// the first poisoned one and nothing after.
/// </summary>
public abstract class CopyMcContractTests
{
    private CopyProbe? _probe;

    /// <summary>Boots a machine of the profile under test.</summary>
    protected abstract Machine Boot();

    /// <summary>The probe, on a machine of this profile.</summary>
    protected CopyProbe Probe => _probe ??= new CopyProbe(Boot);

    /// <summary>Routines that copy arbitrary lengths (all but the page-only ones).</summary>
    protected IEnumerable<CopyRoutine> ByteRoutines => Probe.Machine.Arch.CopyRoutines.Where(r => !r.PageOnly);

    [Fact]
    public void EveryRoutine_OverTheContractGrid_HoldsTheContractAndAgreesWithTheOracle()
    {
        var failures = new List<string>();
        foreach (var routine in ByteRoutines)
        {
            foreach (var copy in CopyContractGrid.Stratified())
            {
                Check(routine, copy, failures);
                if (failures.Count > 20)
                {
                    break;
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void PageRoutines_CleanAndPoisonedPages_HoldTheContract()
    {
        var failures = new List<string>();
        foreach (var routine in Probe.Machine.Arch.CopyRoutines.Where(r => r.PageOnly))
        {
            foreach (int[] poison in new[] { Array.Empty<int>(), [0], [2048], [4095], [4096] })
            {
                Check(routine, new CopyCase(PhysicalMemory.PageSize, 0, 0, poison), failures);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void CleanCopy_LeavesNoTrapAndReturnsZero()
    {
        foreach (var routine in ByteRoutines)
        {
            var result = Probe.Run(routine.Name, new CopyCase(4096 + 100, 3, 5, []));
            Assert.Equal(0, result.Returned);
            Assert.Equal(4196, result.Stored);
            Assert.Empty(result.Traps);
            Assert.False(result.Died);
        }
    }

    [Fact]
    public void PoisonInTheLineAfterTheEnd_IsNeverConsumed()
    {
        foreach (var routine in ByteRoutines)
        {
            foreach (var n in new[] { 1, 63, 64, 200, 1000 })
            {
                var copy = new CopyCase(n, 0, 0, CopyContractGrid.PoisonOffsets(PoisonPosition.AfterEnd, n, 0)!);
                var result = Probe.Run(routine.Name, copy);
                Assert.True(result.Traps.Count == 0, $"{routine.Name} {copy}: loaded past the end of its source");
                Assert.Equal(0, result.Returned);
            }
        }
    }

    /// <summary>Runs one case and records a failure if the contract or the oracle disagree.</summary>
    protected void Check(CopyRoutine routine, CopyCase copy, List<string> failures)
    {
        var result = Probe.Run(routine.Name, copy);
        var oracleStored = result.FirstPoison ?? copy.Length;
        if (!result.ContractOk)
        {
            failures.Add($"{routine.Name} {copy}: {result.Violation}");
        }
        else if (result.Stored > oracleStored)
        {
            failures.Add($"{routine.Name} {copy}: stored {result.Stored} bytes, but the oracle stops at {oracleStored}");
        }
    }
}
