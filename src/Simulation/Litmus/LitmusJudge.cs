namespace KernelModel.Simulation.Litmus;

/// <summary>
/// Judges a result against the expectations its file declares: each step's named fields, each expected console
/// line (a pattern, matched against a distinct normalized line), each counter delta.
/// </summary>
public static class LitmusJudge
{
    /// <summary>What differs from the expectations (empty when everything matches).</summary>
    public static IReadOnlyList<string> Judge(LitmusResult result)
    {
        var problems = new List<string>();
        foreach (var s in result.Steps)
        {
            if (s.Observation is not { } o)
            {
                continue;
            }

            foreach (var (field, want) in s.Step.Expect)
            {
                var got = o.Field(field);
                if (got != want)
                {
                    problems.Add($"step {s.Step.Number} ({s.Step.Text}): {field}={got}, expected {field}={want}");
                }
            }
        }

        var unused = result.Console.ToList();
        foreach (var pattern in result.File.Console)
        {
            var hit = unused.FindIndex(line => ConsoleFilter.Matches(line, pattern));
            if (hit < 0)
            {
                problems.Add($"console: no line matches '{pattern}'");
            }
            else
            {
                unused.RemoveAt(hit);
            }
        }

        foreach (var (name, want) in result.File.Counters)
        {
            var got = result.Counters[name];
            if (got != want)
            {
                problems.Add($"counters: {name}={got}, expected {name}={want}");
            }
        }

        return problems;
    }
}
