using System.Text;
using System.Xml;

namespace KernelModel.Simulation.Reports;

/// <summary>
/// The <c>--report FILE.html</c> page: one self-contained document (inline CSS and SVG, no scripts, nothing fetched
/// from the network) that is also well-formed XHTML, so any XML parser can read it back. Sections are added in
/// order and written by <see cref="Render"/>.
/// </summary>
public sealed class HtmlReport(string title)
{
    private const string XhtmlNs = "http://www.w3.org/1999/xhtml";

    private const string Css = """
        body { font-family: sans-serif; margin: 2em auto; max-width: 72em; color: #222; background: #fff; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
        table { border-collapse: collapse; margin: 0.6em 0; }
        th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        th { background: #f3f3f3; }
        .bad { background: #fbd9c8; } .warn { background: #fcebc2; } .good { background: #c9eedf; } .dim { color: #888; }
        .bold { font-weight: bold; }
        pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
        figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
        p.note { color: #555; font-size: 0.9em; }
        """;

    private readonly List<Action<XmlWriter>> _sections = [];

    /// <summary>The page title.</summary>
    public string Title { get; } = title;

    /// <summary>A section heading.</summary>
    public HtmlReport Heading(string text)
    {
        _sections.Add(w => w.WriteElementString("h2", XhtmlNs, text));
        return this;
    }

    /// <summary>A paragraph; <paramref name="note"/> makes it a smaller explanatory note.</summary>
    public HtmlReport Paragraph(string text, bool note = false)
    {
        _sections.Add(w =>
        {
            w.WriteStartElement("p", XhtmlNs);
            if (note)
            {
                w.WriteAttributeString("class", "note");
            }

            w.WriteString(text);
            w.WriteEndElement();
        });
        return this;
    }

    /// <summary>A table with the same cells and styles as the terminal one.</summary>
    public HtmlReport Table(TextTable table)
    {
        _sections.Add(w =>
        {
            w.WriteStartElement("table", XhtmlNs);
            w.WriteStartElement("tr", XhtmlNs);
            foreach (var h in table.Headers)
            {
                w.WriteElementString("th", XhtmlNs, h);
            }

            w.WriteEndElement();
            foreach (var row in table.Rows)
            {
                w.WriteStartElement("tr", XhtmlNs);
                for (var i = 0; i < row.Length; i++)
                {
                    w.WriteStartElement("td", XhtmlNs);
                    var classes = string.Join(' ', new[] { table.RightAligned[i] ? "num" : null, ClassOf(row[i].Style) }.Where(c => c is not null));
                    if (classes.Length > 0)
                    {
                        w.WriteAttributeString("class", classes);
                    }

                    w.WriteString(row[i].Text);
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
        });
        return this;
    }

    /// <summary>An inline SVG chart in a figure.</summary>
    public HtmlReport Chart(SvgChart chart)
    {
        _sections.Add(w =>
        {
            w.WriteStartElement("figure", XhtmlNs);
            chart.Write(w);
            w.WriteEndElement();
        });
        return this;
    }

    /// <summary>Preformatted lines (console output).</summary>
    public HtmlReport Preformatted(IEnumerable<string> lines)
    {
        var text = string.Join('\n', lines);
        _sections.Add(w => w.WriteElementString("pre", XhtmlNs, text));
        return this;
    }

    /// <summary>The whole page.</summary>
    public string Render()
    {
        var sb = new StringBuilder();
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, IndentChars = " ", NewLineChars = "\n", Encoding = Encoding.UTF8 };
        using (var w = XmlWriter.Create(sb, settings))
        {
            w.WriteRaw("<!DOCTYPE html>\n");
            w.WriteStartElement("html", XhtmlNs);
            w.WriteAttributeString("lang", "en");
            w.WriteStartElement("head", XhtmlNs);
            w.WriteStartElement("meta", XhtmlNs);
            w.WriteAttributeString("charset", "utf-8");
            w.WriteEndElement();
            w.WriteElementString("title", XhtmlNs, Title);
            w.WriteElementString("style", XhtmlNs, Css);
            w.WriteEndElement();
            w.WriteStartElement("body", XhtmlNs);
            w.WriteElementString("h1", XhtmlNs, Title);
            foreach (var section in _sections)
            {
                section(w);
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }

        return sb.Append('\n').ToString();
    }

    private static string? ClassOf(Style style) => style switch
    {
        Style.Bad => "bad",
        Style.Warn => "warn",
        Style.Good => "good",
        Style.Dim => "dim",
        Style.Bold => "bold",
        _ => null,
    };
}
