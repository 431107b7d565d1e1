namespace KernelModel.Simulation.Litmus;

/// <summary>One step's line of the canonical form: the step and what it showed (null when it was skipped as model-only).</summary>
/// <param name="Step">The step.</param>
/// <param name="Observation">What it showed; null when skipped.</param>
public sealed record StepResult(LitmusStep Step, StepObservation? Observation);

/// <summary>
/// Everything one litmus file showed on the model or a real kernel, as the canonical form prints it: its steps, the
/// recovery code's console lines (normalized) and the counter deltas.
/// </summary>
/// <param name="File">The file.</param>
/// <param name="Steps">Each step's result, in order.</param>
/// <param name="Console">Console lines of the recovery code, normalized (<see cref="ConsoleFilter"/>).</param>
/// <param name="Counters">Counter deltas by name, "-" for a counter the kernel does not have.</param>
public sealed record LitmusResult(LitmusFile File, IReadOnlyList<StepResult> Steps, IReadOnlyList<string> Console,
    IReadOnlyDictionary<string, string> Counters)
{
    /// <summary>The canonical lines: one per step, then the console lines, then the counters.</summary>
    public IEnumerable<string> CanonicalLines()
    {
        foreach (var s in Steps)
        {
            yield return s.Observation is { } o
                ? $"{File.Id} {s.Step.Number} {s.Step.Text} => {o}"
                : $"{File.Id} {s.Step.Number} {s.Step.Text} => skipped model-only";
        }

        foreach (var line in Console)
        {
            yield return $"{File.Id} console {line}";
        }

        yield return $"{File.Id} counters " + string.Join(' ', LitmusParser.CounterNames.Select(n => $"{n}={Counters[n]}"));
    }
}
