namespace KernelModel.Testing;

/// <summary>The result of running kmodel in-process: exit code and what it wrote.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
public sealed record KmodelResult(int ExitCode, string Out, string Error);
