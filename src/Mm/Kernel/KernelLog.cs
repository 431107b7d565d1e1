using System.Globalization;

namespace KernelModel.Mm;

/// <summary>One console line: when (virtual time), at which level, and its text as the kernel formats it.</summary>
/// <param name="Nanoseconds">Virtual time since boot.</param>
/// <param name="Level">printk level.</param>
/// <param name="Text">The message without timestamp.</param>
public sealed record LogLine(long Nanoseconds, LogLevel Level, string Text)
{
    /// <summary>The line as dmesg prints it: <c>[    1.234567] text</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"[{Nanoseconds / 1_000_000_000,5}.{Nanoseconds / 1000 % 1_000_000:D6}] {Text}");
}

/// <summary>The kernel log buffer (kernel/printk): what dmesg shows, stamped with virtual time.</summary>
public sealed class KernelLog(VirtualClock clock)
{
    private readonly List<LogLine> _lines = [];

    /// <summary>Called for every line as it is logged (the tracer interleaves them).</summary>
    public event Action<LogLine>? Logged;

    /// <summary>Every line so far.</summary>
    public IReadOnlyList<LogLine> Lines => _lines;

    /// <summary>printk(): appends a line at the current virtual time.</summary>
    [KernelSymbol("kernel/printk/printk.c", "printk")]
    public void Printk(LogLevel level, string text)
    {
        var line = new LogLine(clock.Nanoseconds, level, text);
        _lines.Add(line);
        Logged?.Invoke(line);
    }

    /// <summary>pr_err().</summary>
    public void Err(string text) => Printk(LogLevel.Err, text);

    /// <summary>pr_warn().</summary>
    public void Warn(string text) => Printk(LogLevel.Warning, text);

    /// <summary>pr_info().</summary>
    public void Info(string text) => Printk(LogLevel.Info, text);

    /// <summary>pr_emerg().</summary>
    public void Emerg(string text) => Printk(LogLevel.Emerg, text);

    /// <summary>The buffer as dmesg prints it, one line each.</summary>
    public IEnumerable<string> Dmesg() => _lines.Select(l => l.ToString());
}
