namespace KernelModel.Simulation;

/// <summary>Where commands write: standard output for results, standard error for diagnostics.</summary>
/// <param name="Out">Results.</param>
/// <param name="Error">Diagnostics.</param>
public sealed record ConsoleStreams(TextWriter Out, TextWriter Error);
