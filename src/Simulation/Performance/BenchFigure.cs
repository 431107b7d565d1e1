namespace KernelModel.Simulation.Performance;

/// <summary>
/// One measured figure of <c>kmodel bench</c> against its target.
/// </summary>
/// <param name="Id">Which target of the performance issue (1..6) the figure belongs to.</param>
/// <param name="Name">What was measured, with its profile.</param>
/// <param name="Value">The measured value in <paramref name="Unit"/>.</param>
/// <param name="Unit">The unit: <c>x</c> for a ratio, <c>ns</c>, <c>ms</c>, <c>MiB</c>, <c>B</c>, <c>machine-years/min</c>, <c>bool</c> (1 yes, 0 no).</param>
/// <param name="Target">The target: <c>&gt;=</c>, <c>&lt;=</c> or <c>=</c> and the bound, in the same unit; or <c>reported</c>.</param>
/// <param name="Met">Whether the value meets the bound.</param>
/// <param name="Note">What the reader should know (the baseline, what was run).</param>
public sealed record BenchFigure(int Id, string Name, double Value, string Unit, string Target, bool Met, string? Note)
{
    /// <summary>A figure that must be at least <paramref name="bound"/>.</summary>
    public static BenchFigure AtLeast(int id, string name, double value, string unit, double bound, string? note = null) =>
        new(id, name, value, unit, ">= " + Format(bound), value >= bound, note);

    /// <summary>A figure that must be at most <paramref name="bound"/>.</summary>
    public static BenchFigure AtMost(int id, string name, double value, string unit, double bound, string? note = null) =>
        new(id, name, value, unit, "<= " + Format(bound), value <= bound, note);

    /// <summary>A figure that must be exactly <paramref name="bound"/> (a yes/no check as 1 or 0).</summary>
    public static BenchFigure Exactly(int id, string name, double value, string unit, double bound, string? note = null) =>
        new(id, name, value, unit, "= " + Format(bound), value.Equals(bound), note);

    /// <summary>A number as the report prints it (invariant culture, at most 3 decimals).</summary>
    public static string Format(double value) => value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
