using System.Xml;

namespace KernelModel.Simulation.Reports;

/// <summary>One line of a <see cref="LineChart"/>: (x, y) points in x order, drawn as steps (counts that jump at events).</summary>
/// <param name="Name">The legend name.</param>
/// <param name="Points">The points.</param>
public sealed record LineSeries(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>A step-line chart over a numeric x axis (time), e.g. cumulative errors injected, found and consumed.</summary>
public sealed class LineChart(string title, string xUnit, double xMax, IReadOnlyList<LineSeries> series) : SvgChart(title)
{
    /// <summary>The lines.</summary>
    public IReadOnlyList<LineSeries> Series { get; } = series;

    /// <inheritdoc />
    public override void Write(XmlWriter w)
    {
        const double left = 60, plotWidth = 640, plotHeight = 220;
        var width = left + plotWidth + 20;
        var legend = Series.Select((s, i) => (s.Name, Palette[i % Palette.Length])).ToArray();
        var top = 40 + (16 * LegendRows(legend, left, width - 10));
        var height = top + plotHeight + 50;
        var bottom = top + plotHeight;
        var xmax = xMax > 0 ? xMax : 1;
        var (axisMax, step) = NiceAxis(Series.SelectMany(s => s.Points).Select(p => p.Y).DefaultIfEmpty(0).Max());
        Begin(w, width, height);
        Legend(w, left, 36, legend, width - 10);
        ValueAxis(w, left, left + plotWidth, top, bottom, axisMax, step);
        var (_, xstep) = NiceAxis(xmax);
        for (var x = 0.0; x <= xmax + (xstep / 2); x += xstep)
        {
            var px = left + (plotWidth * x / xmax);
            Line(w, px, bottom, px, bottom + 4, "#333333");
            Text(w, px, bottom + 16, N(x), "middle");
        }

        Text(w, left + (plotWidth / 2), bottom + 34, xUnit, "middle");
        for (var s = 0; s < Series.Count; s++)
        {
            var points = new List<string> { $"{N(left)},{N(bottom)}" };
            var lastY = 0.0;
            foreach (var (x, y) in Series[s].Points)
            {
                var px = left + (plotWidth * Math.Min(x, xmax) / xmax);
                points.Add($"{N(px)},{N(bottom - (plotHeight * lastY / axisMax))}");
                points.Add($"{N(px)},{N(bottom - (plotHeight * y / axisMax))}");
                lastY = y;
            }

            points.Add($"{N(left + plotWidth)},{N(bottom - (plotHeight * lastY / axisMax))}");
            w.WriteStartElement("polyline", SvgNs);
            w.WriteAttributeString("fill", "none");
            w.WriteAttributeString("stroke", Palette[s % Palette.Length]);
            w.WriteAttributeString("stroke-width", "2");
            w.WriteAttributeString("points", string.Join(' ', points));
            w.WriteElementString("title", SvgNs, $"{Series[s].Name}: {N(lastY)} at the end");
            w.WriteEndElement();
        }

        w.WriteEndElement();
    }
}
