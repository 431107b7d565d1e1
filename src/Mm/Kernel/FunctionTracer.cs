using System.Globalization;
using System.Runtime.CompilerServices;

namespace KernelModel.Mm;

/// <summary>
/// A function_graph-style trace of the modelled kernel functions a run went through, with console lines
/// in place. Off by default; when off, entering a function costs one branch.
/// </summary>
public sealed class FunctionTracer
{
    private readonly List<string> _lines = [];
    private int _depth;

    /// <summary>Whether calls are recorded.</summary>
    public bool Enabled { get; set; }

    /// <summary>The trace so far.</summary>
    public IReadOnlyList<string> Lines => _lines;

    /// <summary>Records entry to a kernel function; dispose the scope on return.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scope Enter(string function) => Enabled ? Record(function) : default;

    private Scope Record(string function)
    {
        _lines.Add(new string(' ', _depth * 2) + function + "() {");
        _depth++;
        return new Scope(this);
    }

    /// <summary>Records a note at the current depth (a return value, a decision), as a trace_printk would.</summary>
    public void Note(string text)
    {
        if (Enabled)
        {
            _lines.Add(new string(' ', _depth * 2) + "/* " + text + " */");
        }
    }

    /// <summary>
    /// Records a note written as an interpolated string (formatted with the invariant culture). When the tracer is
    /// off nothing is formatted and the holes are not evaluated, so a note on a hot path (every trap) costs one branch.
    /// </summary>
    public void Note([InterpolatedStringHandlerArgument("")] ref NoteHandler text)
    {
        if (Enabled)
        {
            Note(text.ToStringAndClear());
        }
    }

    private void Exit()
    {
        _depth--;
        _lines.Add(new string(' ', _depth * 2) + "}");
    }

    /// <summary>Builds a note's text only while the tracer is on (an interpolated string handler).</summary>
    [InterpolatedStringHandler]
    public ref struct NoteHandler
    {
        private DefaultInterpolatedStringHandler _text;

        /// <summary>Starts a note; <paramref name="enabled"/> tells the compiler whether to format its parts.</summary>
        public NoteHandler(int literalLength, int formattedCount, FunctionTracer tracer, out bool enabled)
        {
            enabled = tracer.Enabled;
            _text = enabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture) : default;
        }

        /// <summary>Appends literal text.</summary>
        public void AppendLiteral(string value) => _text.AppendLiteral(value);

        /// <summary>Appends a value.</summary>
        public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

        /// <summary>Appends a value with a format string.</summary>
        public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

        /// <summary>Appends a string.</summary>
        public void AppendFormatted(string? value) => _text.AppendFormatted(value);

        /// <summary>The note's text.</summary>
        internal string ToStringAndClear() => _text.ToStringAndClear();
    }

    /// <summary>The open call; disposing it closes the brace.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly FunctionTracer? _tracer;

        internal Scope(FunctionTracer tracer) => _tracer = tracer;

        /// <inheritdoc />
        public void Dispose() => _tracer?.Exit();
    }
}
