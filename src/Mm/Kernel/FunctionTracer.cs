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

    private void Exit()
    {
        _depth--;
        _lines.Add(new string(' ', _depth * 2) + "}");
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
