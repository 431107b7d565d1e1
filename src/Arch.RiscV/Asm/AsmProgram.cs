
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// An assembled text: its instructions in address order, its symbols, the exception-table entries it emitted, and
/// notes (such as lines of changed files the patch does not show). Each load and store gets its
/// <see cref="CodeSite"/> here: the function it lies in, and <c>file:line insn</c> of the line that produced it.
/// </summary>
public sealed class AsmProgram
{
    private readonly Dictionary<ulong, int> _byAddress = [];

    internal AsmProgram(AsmTarget target, IReadOnlyList<AsmInstruction> instructions, IReadOnlyList<AsmSymbol> symbols,
        IReadOnlyList<AsmExtableRecord> extable, IReadOnlyList<string> notes)
    {
        Target = target;
        Instructions = instructions;
        Symbols = symbols;
        Extable = extable;
        Notes = notes;
        foreach (var insn in instructions)
        {
            _byAddress.TryAdd(insn.Address, insn.Index);
            insn.Function = FunctionAt(insn.Address)?.Name ?? LabelBefore(insn.Address)?.Name;
        }

        var regions = instructions.Select(i => i.Region).Distinct(StringComparer.Ordinal).ToList();
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var insn in instructions)
        {
            insn.RegionId = regions.IndexOf(insn.Region);
            if (insn.AccessBytes == 0)
            {
                continue;
            }

            var label = insn.ToString();
            for (var n = 2; !labels.Add(label); n++)
            {
                label = $"{insn} #{n}";
            }

            insn.Site = new CodeSite(insn.Function ?? "(text)", label, insn.IsLoad ? SiteAccess.Load : SiteAccess.Store);
        }

        var entries = extable.Where(e => e.Instruction.Site is not null)
            .Select(e => new ExtableEntry(e.Instruction.Site!, e.TypeName, e.TypeValue, e.FixupDescription));
        ExceptionTable = new ExceptionTable(entries);
    }

    /// <summary>The target it was assembled for.</summary>
    public AsmTarget Target { get; }

    /// <summary>The instructions in address order.</summary>
    public IReadOnlyList<AsmInstruction> Instructions { get; }

    /// <summary>The named labels and aliases.</summary>
    public IReadOnlyList<AsmSymbol> Symbols { get; }

    /// <summary>Every exception-table entry, in the order emitted.</summary>
    public IReadOnlyList<AsmExtableRecord> Extable { get; }

    /// <summary>The entries on loads and stores as the model's exception table (keyed by site).</summary>
    public ExceptionTable ExceptionTable { get; }

    /// <summary>Notes from preprocessing and assembling.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The instruction at an address, or null.</summary>
    public AsmInstruction? InstructionAt(ulong address) => _byAddress.TryGetValue(address, out var i) ? Instructions[i] : null;

    /// <summary>
    /// The routine named <paramref name="name"/>: a function (<c>.type @function</c>, to its <c>.size</c>), an alias of
    /// one, or a plain label outside any function (to the next such label).
    /// </summary>
    /// <exception cref="ArgumentException">No such function or label; the message lists the ones there are.</exception>
    public AsmRoutine Routine(string name)
    {
        var symbol = Symbols.FirstOrDefault(s => s.Name == name && (s.IsFunction || !s.Name.StartsWith(".L", StringComparison.Ordinal)))
            ?? throw new ArgumentException($"routine '{name}' is not a function or label of the assembled text: valid are {string.Join(", ", Symbols.Where(s => !s.Name.StartsWith(".L", StringComparison.Ordinal)).Select(s => s.Name))}");
        var start = FunctionAt(symbol.Address) ?? LabelBefore(symbol.Address)!;
        var entry = InstructionAt(symbol.Address) ?? throw new ArgumentException($"routine '{name}' has no instructions");
        var end = start.Size is { } size
            ? start.Address + size
            : Symbols.Where(s => s.AliasOf is null && s.Address > start.Address && !s.Name.StartsWith(".L", StringComparison.Ordinal)).Select(s => s.Address).DefaultIfEmpty(ulong.MaxValue).Min();
        var body = Instructions.Where(i => i.Address >= start.Address && i.Address < end).ToArray();
        var aliases = Symbols.Where(s => s.AliasOf is not null && s.Address == start.Address && s.Name != start.Name).Select(s => s.Name).ToArray();
        return new AsmRoutine(this, start.Name, start.Location, aliases, entry, body);
    }

    // Code outside any .type @function symbol belongs to the nearest global-style (not .L) label before it.
    private AsmSymbol? LabelBefore(ulong address) => Symbols
        .Where(s => s.AliasOf is null && s.Address <= address && !s.Name.StartsWith(".L", StringComparison.Ordinal))
        .OrderByDescending(s => s.Address)
        .FirstOrDefault();

    // The function symbol (not an alias) whose [address, address + size) holds the address.
    private AsmSymbol? FunctionAt(ulong address) => Symbols
        .Where(s => s.IsFunction && s.AliasOf is null && s.Address <= address && (s.Size is not { } size || address < s.Address + size))
        .OrderByDescending(s => s.Address)
        .FirstOrDefault();
}
