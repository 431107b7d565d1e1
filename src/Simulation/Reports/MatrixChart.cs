using System.Xml;

namespace KernelModel.Simulation.Reports;

/// <summary>A grid of coloured cells with their words: the scenario x profile outcome matrix.</summary>
public sealed class MatrixChart(string title, IReadOnlyList<string> rows, IReadOnlyList<string> columns, Func<int, int, (string Text, Style Style)> cell)
    : SvgChart(title)
{
    /// <inheritdoc />
    public override void Write(XmlWriter w)
    {
        const double top = 120, rowHeight = 20, colWidth = 96;
        var labelWidth = 16 + (7 * rows.Select(r => r.Length).DefaultIfEmpty(8).Max());
        var width = labelWidth + (columns.Count * colWidth) + 10;
        var height = top + (rows.Count * rowHeight) + 10;
        Begin(w, width, height);
        for (var c = 0; c < columns.Count; c++)
        {
            var x = labelWidth + (c * colWidth) + (colWidth / 2);
            Text(w, x, top - 8, columns[c], "start", transform: $"rotate(-40 {N(x)} {N(top - 8)})");
        }

        for (var r = 0; r < rows.Count; r++)
        {
            var y = top + (r * rowHeight);
            Text(w, labelWidth - 6, y + 14, rows[r], "end");
            for (var c = 0; c < columns.Count; c++)
            {
                var (text, style) = cell(r, c);
                var x = labelWidth + (c * colWidth);
                Rect(w, x + 1, y + 1, colWidth - 2, rowHeight - 2, ColorOf(style), $"{rows[r]} on {columns[c]}: {text}");
                Text(w, x + (colWidth / 2), y + 14, text, "middle");
            }
        }

        w.WriteEndElement();
    }
}
