using System.Text;

namespace KernelModel.Simulation.Reports;

/// <summary>
/// A plain-text table for the terminal: a header row, a rule, and rows of cells padded to the column width (numbers
/// right-aligned). With colour on, cells carry ANSI SGR codes for their <see cref="Style"/>; widths are measured on
/// the text alone, so the columns line up either way.
/// </summary>
public sealed class TextTable
{
    private readonly string[] _headers;
    private readonly List<(string Text, Style Style)[]> _rows = [];
    private readonly bool[] _rightAligned;

    /// <summary>A table with these column headers; <paramref name="rightAligned"/> marks numeric columns.</summary>
    public TextTable(IReadOnlyList<string> headers, IReadOnlyList<bool>? rightAligned = null)
    {
        _headers = [.. headers];
        _rightAligned = rightAligned is null ? new bool[_headers.Length] : [.. rightAligned];
        if (_rightAligned.Length != _headers.Length)
        {
            throw new ArgumentException("one alignment per column", nameof(rightAligned));
        }
    }

    /// <summary>The column headers.</summary>
    public IReadOnlyList<string> Headers => _headers;

    /// <summary>Which columns are right-aligned (numbers).</summary>
    public IReadOnlyList<bool> RightAligned => _rightAligned;

    /// <summary>The rows, in order.</summary>
    public IReadOnlyList<(string Text, Style Style)[]> Rows => _rows;

    /// <summary>Adds a row of plain cells.</summary>
    public void Add(params string[] cells) => Add(cells.Select(c => (c, Style.None)).ToArray());

    /// <summary>Adds a row of styled cells.</summary>
    /// <exception cref="ArgumentException">The row has a different number of cells than the header.</exception>
    public void Add(params (string Text, Style Style)[] cells)
    {
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {_headers.Length} columns", nameof(cells));
        }

        _rows.Add(cells);
    }

    /// <summary>Writes the table, indented by <paramref name="indent"/> spaces.</summary>
    public void Write(TextWriter w, bool color, int indent = 0)
    {
        var widths = _headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Text.Length))).ToArray();
        var pad = new string(' ', indent);
        w.WriteLine(pad + Line(_headers.Select(h => (h, Style.Bold)).ToArray(), widths, color));
        w.WriteLine(pad + string.Join("  ", widths.Select(n => new string('-', n))));
        foreach (var row in _rows)
        {
            w.WriteLine(pad + Line(row, widths, color));
        }
    }

    /// <summary>The ANSI SGR sequence that starts a style (empty for none).</summary>
    public static string Sgr(Style style) => style switch
    {
        Style.Bold => "\u001b[1m",
        Style.Bad => "\u001b[31m",
        Style.Warn => "\u001b[33m",
        Style.Good => "\u001b[32m",
        Style.Dim => "\u001b[2m",
        _ => string.Empty,
    };

    /// <summary>The text in its style when colour is on.</summary>
    public static string Paint(string text, Style style, bool color) => color && style != Style.None ? Sgr(style) + text + "\u001b[0m" : text;

    private string Line((string Text, Style Style)[] cells, int[] widths, bool color)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            var (text, style) = cells[i];
            var padding = new string(' ', widths[i] - text.Length);
            var last = i == cells.Length - 1;
            sb.Append(_rightAligned[i] ? padding + Paint(text, style, color) : Paint(text, style, color) + (last ? string.Empty : padding));
            if (!last)
            {
                sb.Append("  ");
            }
        }

        return sb.ToString();
    }
}
