using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>One arm64 exception-table entry type: its EX_TYPE_* name and number.</summary>
/// <param name="Name">The macro name.</param>
/// <param name="Value">Its value in that tree.</param>
public sealed record Arm64ExtableType(string Name, int Value);

/// <summary>
/// The EX_TYPE_* numbering of arch/arm64/include/asm/asm-extable.h, as tables in header order. The numbering
/// changed when the FEAT_MOPS uaccess work inserted EX_TYPE_UACCESS_CPY at 4, so the series' v13 type 5 and the
/// current LOAD_UNALIGNED_ZEROPAD 5 collide: each profile uses the table of the tree it models.
/// </summary>
[KernelSymbol("arch/arm64/include/asm/asm-extable.h", "EX_TYPE_NONE")]
public static class Arm64ExtableTypes
{
    /// <summary>The tree v11..v13 were written against, with v13 2/5's EX_TYPE_KACCESS_ERR_ZERO_MEM_ERR appended.</summary>
    public static IReadOnlyList<Arm64ExtableType> V13 { get; } =
    [
        new("EX_TYPE_NONE", 0),
        new("EX_TYPE_BPF", 1),
        new("EX_TYPE_UACCESS_ERR_ZERO", 2),
        new("EX_TYPE_KACCESS_ERR_ZERO", 3),
        new("EX_TYPE_LOAD_UNALIGNED_ZEROPAD", 4),
        new("EX_TYPE_KACCESS_ERR_ZERO_MEM_ERR", 5),
    ];

    /// <summary>The current tree (after the FEAT_MOPS uaccess work), the base of the v14 assumption.</summary>
    public static IReadOnlyList<Arm64ExtableType> Current { get; } =
    [
        new("EX_TYPE_NONE", 0),
        new("EX_TYPE_BPF", 1),
        new("EX_TYPE_UACCESS_ERR_ZERO", 2),
        new("EX_TYPE_KACCESS_ERR_ZERO", 3),
        new("EX_TYPE_UACCESS_CPY", 4),
        new("EX_TYPE_LOAD_UNALIGNED_ZEROPAD", 5),
    ];

    /// <summary>The table an options set models.</summary>
    public static IReadOnlyList<Arm64ExtableType> For(Arm64Options options) =>
        options.ArchHasCopyMc && options.MemErrExtable == Arm64MemErrExtable.V13KaccessErrZeroMemErr ? V13 : Current;

    /// <summary>The type of that name in a table.</summary>
    /// <exception cref="ArgumentException">The table has no such type.</exception>
    public static Arm64ExtableType Get(IReadOnlyList<Arm64ExtableType> table, string name) =>
        table.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no extable type {name} in this tree", nameof(name));
}
