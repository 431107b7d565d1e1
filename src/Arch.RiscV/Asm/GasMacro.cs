namespace KernelModel.Arch.RiscV.Asm;

/// <summary>A parameter of a GNU as macro: <c>name</c>, <c>name=default</c>, <c>name:req</c> or <c>name:vararg</c>.</summary>
/// <param name="Name">The name, referenced in the body as <c>\name</c>.</param>
/// <param name="Default">The value when the invocation gives none.</param>
/// <param name="Required">Whether an invocation must give it.</param>
/// <param name="VarArg">Whether it takes all remaining arguments.</param>
public sealed record GasMacroParameter(string Name, string Default, bool Required, bool VarArg);

/// <summary>A GNU as <c>.macro</c> ... <c>.endm</c> definition.</summary>
/// <param name="Name">Its name (GNU as matches macro names without regard to case).</param>
/// <param name="Parameters">Its parameters in order.</param>
/// <param name="Body">The lines between <c>.macro</c> and <c>.endm</c>.</param>
/// <param name="Location">The <c>.macro</c> line.</param>
public sealed record GasMacro(string Name, IReadOnlyList<GasMacroParameter> Parameters, IReadOnlyList<SourceLine> Body, SourceLocation Location);
