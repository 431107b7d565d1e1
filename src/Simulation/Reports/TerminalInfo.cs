namespace KernelModel.Simulation.Reports;

/// <summary>
/// What the output streams are attached to. Colour is used only when standard output is a terminal and the
/// NO_COLOR environment variable is absent or empty (no-color.org); the progress bar is drawn only when standard
/// error is a terminal, so redirected output and tests see neither.
/// </summary>
/// <param name="OutputIsTerminal">Standard output is an interactive terminal.</param>
/// <param name="ErrorIsTerminal">Standard error is an interactive terminal.</param>
/// <param name="NoColor">NO_COLOR is set to a non-empty value.</param>
public sealed record TerminalInfo(bool OutputIsTerminal, bool ErrorIsTerminal, bool NoColor)
{
    /// <summary>Neither stream is a terminal (files, pipes, tests).</summary>
    public static TerminalInfo None { get; } = new(false, false, false);

    /// <summary>Whether tables on standard output may use ANSI colour.</summary>
    public bool Color => OutputIsTerminal && !NoColor;

    /// <summary>Looks at the streams kmodel was given: only the process's own console streams can be terminals.</summary>
    public static TerminalInfo Detect(TextWriter stdout, TextWriter stderr) => new(
        ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected,
        ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected,
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")));
}
