namespace KernelModel.Arch.RiscV.Asm;

/// <summary>A preprocessor macro: object-like (no parameter list) or function-like.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Parameters">The parameter names of a function-like macro (<c>__VA_ARGS__</c> last when variadic), or null.</param>
/// <param name="Body">The replacement text.</param>
/// <param name="Location">Where it was defined.</param>
public sealed record CppMacro(string Name, IReadOnlyList<string>? Parameters, string Body, SourceLocation Location)
{
    /// <summary>Whether the last parameter collects the remaining arguments (<c>...</c>).</summary>
    public bool Variadic => Parameters is [.., "__VA_ARGS__"];
}
