using System.Globalization;
using System.Xml;

namespace KernelModel.Simulation.Reports;

/// <summary>
/// A chart drawn as inline SVG, written into the report's XHTML with an <see cref="XmlWriter"/> (so the page is
/// well-formed XML) and needing nothing from the network: no scripts, no fonts, no images.
/// </summary>
public abstract class SvgChart
{
    /// <summary>The SVG namespace.</summary>
    public const string SvgNs = "http://www.w3.org/2000/svg";

    /// <summary>The series colours, in order (colour-blind-safe Okabe-Ito palette).</summary>
    protected static readonly string[] Palette = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442", "#000000"];

    /// <summary>A chart with a title.</summary>
    protected SvgChart(string title) => Title = title;

    /// <summary>The title above the chart (also the SVG's accessible name).</summary>
    public string Title { get; }

    /// <summary>Writes the &lt;svg&gt; element.</summary>
    public abstract void Write(XmlWriter w);

    /// <summary>The colour of a style, for cells and bars that carry one.</summary>
    public static string ColorOf(Style style) => style switch
    {
        Style.Bad => "#d55e00",
        Style.Warn => "#e69f00",
        Style.Good => "#009e73",
        Style.Dim => "#dddddd",
        _ => "#56b4e9",
    };

    /// <summary>A number as SVG writes it: invariant, at most two decimals.</summary>
    protected static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Opens the svg element with its size, title and font.</summary>
    protected void Begin(XmlWriter w, double width, double height)
    {
        w.WriteStartElement("svg", SvgNs);
        w.WriteAttributeString("width", N(width));
        w.WriteAttributeString("height", N(height));
        w.WriteAttributeString("viewBox", $"0 0 {N(width)} {N(height)}");
        w.WriteAttributeString("role", "img");
        w.WriteAttributeString("font-family", "sans-serif");
        w.WriteAttributeString("font-size", "12");
        w.WriteElementString("title", SvgNs, Title);
        Text(w, 8, 16, Title, "start", bold: true);
    }

    /// <summary>A text element.</summary>
    protected static void Text(XmlWriter w, double x, double y, string text, string anchor = "start", bool bold = false, string? transform = null)
    {
        w.WriteStartElement("text", SvgNs);
        w.WriteAttributeString("x", N(x));
        w.WriteAttributeString("y", N(y));
        w.WriteAttributeString("text-anchor", anchor);
        if (bold)
        {
            w.WriteAttributeString("font-weight", "bold");
        }

        if (transform is not null)
        {
            w.WriteAttributeString("transform", transform);
        }

        w.WriteString(text);
        w.WriteEndElement();
    }

    /// <summary>A filled rectangle, with a tooltip.</summary>
    protected static void Rect(XmlWriter w, double x, double y, double width, double height, string fill, string? tooltip = null)
    {
        w.WriteStartElement("rect", SvgNs);
        w.WriteAttributeString("x", N(x));
        w.WriteAttributeString("y", N(y));
        w.WriteAttributeString("width", N(Math.Max(0, width)));
        w.WriteAttributeString("height", N(Math.Max(0, height)));
        w.WriteAttributeString("fill", fill);
        if (tooltip is not null)
        {
            w.WriteElementString("title", SvgNs, tooltip);
        }

        w.WriteEndElement();
    }

    /// <summary>A line segment.</summary>
    protected static void Line(XmlWriter w, double x1, double y1, double x2, double y2, string stroke, double width = 1)
    {
        w.WriteStartElement("line", SvgNs);
        w.WriteAttributeString("x1", N(x1));
        w.WriteAttributeString("y1", N(y1));
        w.WriteAttributeString("x2", N(x2));
        w.WriteAttributeString("y2", N(y2));
        w.WriteAttributeString("stroke", stroke);
        w.WriteAttributeString("stroke-width", N(width));
        w.WriteEndElement();
    }

    /// <summary>How many rows a legend takes when wrapped to <paramref name="width"/>.</summary>
    protected static int LegendRows(IReadOnlyList<(string Name, string Color)> items, double x, double width)
    {
        var rows = items.Count == 0 ? 0 : 1;
        var cx = x;
        foreach (var (name, _) in items)
        {
            var w = LegendItemWidth(name);
            if (cx + w > width && cx > x)
            {
                rows++;
                cx = x;
            }

            cx += w;
        }

        return rows;
    }

    /// <summary>A legend of coloured squares and names from (x, y), wrapped to rows of 16 units within <paramref name="width"/>.</summary>
    protected static void Legend(XmlWriter w, double x, double y, IReadOnlyList<(string Name, string Color)> items, double width)
    {
        var cx = x;
        foreach (var (name, color) in items)
        {
            var iw = LegendItemWidth(name);
            if (cx + iw > width && cx > x)
            {
                cx = x;
                y += 16;
            }

            Rect(w, cx, y - 10, 10, 10, color);
            Text(w, cx + 14, y, name);
            cx += iw;
        }
    }

    private static double LegendItemWidth(string name) => 24 + (7 * name.Length);

    /// <summary>A "nice" axis maximum and tick step (1, 2 or 5 times a power of ten) covering <paramref name="max"/>.</summary>
    protected static (double Max, double Step) NiceAxis(double max)
    {
        if (max <= 0 || double.IsNaN(max))
        {
            return (1, 0.25);
        }

        var raw = max / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(f => f * magnitude).First(s => s >= raw);
        return (Math.Ceiling(max / step) * step, step);
    }

    /// <summary>Draws a vertical value axis with grid lines from <paramref name="top"/> to <paramref name="bottom"/>.</summary>
    protected static void ValueAxis(XmlWriter w, double left, double right, double top, double bottom, double max, double step)
    {
        for (var v = 0.0; v <= max + (step / 2); v += step)
        {
            var y = bottom - ((bottom - top) * v / max);
            Line(w, left, y, right, y, v == 0 ? "#333333" : "#e0e0e0");
            Text(w, left - 4, y + 4, N(v), "end");
        }
    }
}
