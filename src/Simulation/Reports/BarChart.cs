using System.Xml;

namespace KernelModel.Simulation.Reports;

/// <summary>One series of a <see cref="BarChart"/>: a value per category, with an optional interval drawn as a whisker.</summary>
/// <param name="Name">The series' name in the legend (a profile).</param>
/// <param name="Values">One value per category.</param>
/// <param name="Low">Lower ends of the intervals, or null.</param>
/// <param name="High">Upper ends of the intervals, or null.</param>
public sealed record BarSeries(string Name, IReadOnlyList<double> Values, IReadOnlyList<double>? Low = null, IReadOnlyList<double>? High = null);

/// <summary>Vertical grouped bars: one group per category, one bar per series, whiskers for intervals.</summary>
public sealed class BarChart(string title, string unit, IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series) : SvgChart(title)
{
    /// <summary>The categories along the bottom.</summary>
    public IReadOnlyList<string> Categories { get; } = categories;

    /// <summary>The series.</summary>
    public IReadOnlyList<BarSeries> Series { get; } = series;

    /// <inheritdoc />
    public override void Write(XmlWriter w)
    {
        const double left = 60, plotHeight = 220, barWidth = 18, gap = 28;
        var groupWidth = (Math.Max(1, Series.Count) * barWidth) + gap;
        var width = Math.Max(520, left + (Categories.Count * groupWidth) + 20);
        var legend = Series.Select((s, i) => (s.Name, Palette[i % Palette.Length])).ToArray();
        var top = 40 + (16 * LegendRows(legend, left, width - 10));
        var height = top + plotHeight + 40;
        var bottom = top + plotHeight;
        var max = Series.SelectMany(s => s.High ?? s.Values).DefaultIfEmpty(0).Max();
        var (axisMax, step) = NiceAxis(max);
        Begin(w, width, height);
        Legend(w, left, 36, legend, width - 10);
        ValueAxis(w, left, width - 10, top, bottom, axisMax, step);
        Text(w, 14, top + (plotHeight / 2), unit, "middle", transform: $"rotate(-90 14 {N(top + (plotHeight / 2))})");
        for (var c = 0; c < Categories.Count; c++)
        {
            var x0 = left + (gap / 2) + (c * groupWidth);
            for (var s = 0; s < Series.Count; s++)
            {
                var series = Series[s];
                var v = series.Values[c];
                var x = x0 + (s * barWidth);
                var h = plotHeight * v / axisMax;
                Rect(w, x, bottom - h, barWidth - 2, h, Palette[s % Palette.Length], $"{series.Name}, {Categories[c]}: {N(v)} {unit}");
                if (series.Low is { } low && series.High is { } high)
                {
                    var cx = x + ((barWidth - 2) / 2);
                    var yl = bottom - (plotHeight * low[c] / axisMax);
                    var yh = bottom - (plotHeight * high[c] / axisMax);
                    Line(w, cx, yl, cx, yh, "#222222");
                    Line(w, cx - 4, yh, cx + 4, yh, "#222222");
                    Line(w, cx - 4, yl, cx + 4, yl, "#222222");
                }
            }

            Text(w, x0 + (Series.Count * barWidth / 2), bottom + 16, Categories[c], "middle");
        }

        w.WriteEndElement();
    }
}
