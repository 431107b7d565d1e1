using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace KernelModel.Simulation;

/// <summary>
/// Every --json output is written through here: indented, and with the relaxed encoder so that kernel strings
/// such as "EX_TYPE_FIXUP -> 6f" stay readable instead of becoming "\u003E".
/// </summary>
public static class JsonText
{
    /// <summary>The writer options all JSON output shares.</summary>
    public static JsonWriterOptions Options { get; } = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON text <paramref name="write"/> produces.</summary>
    public static string Of(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
