using System.Diagnostics;
using System.Globalization;

namespace KernelModel.Simulation.Reports;

/// <summary>
/// A progress bar on standard error for long runs. It is drawn only when standard error is a terminal and only
/// once the run has taken more than a second of host time (short runs stay quiet), redrawn at most every 100 ms,
/// and erased when the run ends. Host time is read here only to pace the drawing: nothing the model computes
/// depends on it. Safe to advance from several threads.
/// </summary>
public sealed class ProgressBar : IDisposable
{
    private const int Width = 30;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter? _error;
    private readonly string _label;
    private readonly long _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _draw = new();
    private readonly TimeSpan _quiet;
    private long _done;
    private TimeSpan _lastDraw = -Interval;
    private bool _drawn;

    /// <summary>
    /// A bar counting to <paramref name="total"/>; drawn on <paramref name="error"/> only when <paramref name="enabled"/>,
    /// and only after <paramref name="quiet"/> (one second unless given).
    /// </summary>
    public ProgressBar(TextWriter error, bool enabled, string label, long total, TimeSpan? quiet = null)
    {
        _error = enabled ? error : null;
        _label = label;
        _total = Math.Max(1, total);
        _quiet = quiet ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>Work done so far.</summary>
    public long Done => Interlocked.Read(ref _done);

    /// <summary>Counts <paramref name="units"/> more units of work done.</summary>
    public void Advance(long units = 1)
    {
        var done = Interlocked.Add(ref _done, units);
        if (_error is null || _clock.Elapsed < _quiet || !_draw.TryEnter())
        {
            return;
        }

        try
        {
            var now = _clock.Elapsed;
            if (now - _lastDraw < Interval && done < _total)
            {
                return;
            }

            _lastDraw = now;
            var filled = (int)Math.Min(Width, done * Width / _total);
            var percent = Math.Min(100, done * 100 / _total);
            _error.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r{_label} [{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}% ({done}/{_total}) Ctrl+C stops and writes what is done"));
            _error.Flush();
            _drawn = true;
        }
        finally
        {
            _draw.Exit();
        }
    }

    /// <summary>Erases the bar if it was drawn.</summary>
    public void Dispose()
    {
        lock (_draw)
        {
            if (_drawn && _error is not null)
            {
                _error.Write("\r" + new string(' ', Width + _label.Length + 70) + "\r");
                _error.Flush();
                _drawn = false;
            }
        }
    }
}
