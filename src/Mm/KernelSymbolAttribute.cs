namespace KernelModel.Mm;

/// <summary>
/// Names the kernel function (or table) a model member stands for, as
/// <c>file</c> and <c>symbol</c>, so that <c>kmodel symbols</c> can list the
/// cross-reference and <c>grep wp_page_copy</c> finds the model.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Enum | AttributeTargets.Field | AttributeTargets.Property,
    AllowMultiple = true, Inherited = false)]
public sealed class KernelSymbolAttribute(string file, string symbol) : Attribute
{
    /// <summary>Kernel source file, relative to the tree root (e.g. <c>mm/memory.c</c>).</summary>
    public string File { get; } = file;

    /// <summary>Kernel symbol (function, table or macro) as spelt in the kernel.</summary>
    public string Symbol { get; } = symbol;
}
