namespace KernelModel.Simulation.Performance;

/// <summary>
/// One measured figure of <c>kmodel bench</c> against its target. <see cref="Value"/> is null when the figure could
/// not be measured, and <see cref="Note"/> then says why; such a figure is not met.
/// </summary>
/// <param name="Id">Which target of the performance issue (1..6) the figure belongs to.</param>
/// <param name="Name">What was measured, with its profile.</param>
/// <param name="Value">The measured value in <paramref name="Unit"/>, or null.</param>
/// <param name="Unit">The unit: <c>x</c> for a ratio, <c>ns</c>, <c>ms</c>, <c>MiB</c>, <c>B</c>, <c>machine-years/min</c>.</param>
/// <param name="Target">The target: <c>&gt;=</c> or <c>&lt;=</c> and the bound, in the same unit.</param>
/// <param name="Met">Whether the value meets the bound.</param>
/// <param name="Note">What the reader should know (the baseline, or why there is no value).</param>
public sealed record BenchFigure(int Id, string Name, double? Value, string Unit, string Target, bool Met, string? Note)
{
    /// <summary>A figure that must be at least <paramref name="bound"/>.</summary>
    public static BenchFigure AtLeast(int id, string name, double value, string unit, double bound, string? note = null) =>
        new(id, name, value, unit, ">= " + Format(bound), value >= bound, note);

    /// <summary>A figure that must be at most <paramref name="bound"/>.</summary>
    public static BenchFigure AtMost(int id, string name, double value, string unit, double bound, string? note = null) =>
        new(id, name, value, unit, "<= " + Format(bound), value <= bound, note);

    /// <summary>A figure that could not be measured, with the reason.</summary>
    public static BenchFigure NotMeasurable(int id, string name, string unit, string bound, string reason) =>
        new(id, name, null, unit, bound, false, reason);

    /// <summary>A number as the report prints it (invariant culture, at most 3 decimals).</summary>
    public static string Format(double value) => value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
