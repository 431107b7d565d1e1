using System.Xml;

namespace KernelModel.Simulation.Reports;

/// <summary>Horizontal bars, one per labelled item, each with its value and share written beside it (the consumer mix).</summary>
public sealed class HorizontalBarChart(string title, IReadOnlyList<(string Label, double Value, Style Style)> items) : SvgChart(title)
{
    /// <summary>The bars, top to bottom.</summary>
    public IReadOnlyList<(string Label, double Value, Style Style)> Items { get; } = items;

    /// <inheritdoc />
    public override void Write(XmlWriter w)
    {
        const double top = 30, row = 20, plotWidth = 360;
        var labelWidth = 20 + (7 * Items.Select(i => i.Label.Length).DefaultIfEmpty(8).Max());
        var width = labelWidth + plotWidth + 120;
        var height = top + (Math.Max(1, Items.Count) * row) + 14;
        var total = Items.Sum(i => i.Value);
        var max = Items.Select(i => i.Value).DefaultIfEmpty(0).Max();
        Begin(w, width, height);
        for (var i = 0; i < Items.Count; i++)
        {
            var (label, value, style) = Items[i];
            var y = top + (i * row);
            Text(w, labelWidth - 8, y + 13, label, "end");
            var share = total > 0 ? value / total : 0;
            Rect(w, labelWidth, y + 3, max > 0 ? plotWidth * value / max : 0, row - 6, ColorOf(style), $"{label}: {N(value)} ({N(100 * share)} %)");
            Text(w, labelWidth + (max > 0 ? plotWidth * value / max : 0) + 6, y + 13, $"{N(value)} ({N(100 * share)} %)");
        }

        w.WriteEndElement();
    }
}
