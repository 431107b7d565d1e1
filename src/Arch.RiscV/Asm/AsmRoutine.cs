
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>One function of an assembled program: where it starts, its instructions, and the facts a reviewer reads off its exception table.</summary>
public sealed class AsmRoutine
{
    internal AsmRoutine(AsmProgram program, string name, SourceLocation location, IReadOnlyList<string> aliases, AsmInstruction entry, IReadOnlyList<AsmInstruction> body)
    {
        Program = program;
        Name = name;
        Location = location;
        Aliases = aliases;
        Entry = entry;
        Body = body;
    }

    /// <summary>The program it belongs to.</summary>
    public AsmProgram Program { get; }

    /// <summary>The function's name (<c>__memcpy_mc</c>).</summary>
    public string Name { get; }

    /// <summary>Where its label is defined (the SYM_FUNC_START line).</summary>
    public SourceLocation Location { get; }

    /// <summary>Other names set to it (<c>memcpy_mc</c>, <c>__pi_memcpy_mc</c> ...).</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>Its first instruction.</summary>
    public AsmInstruction Entry { get; }

    /// <summary>Its instructions (SYM_FUNC_START to SYM_FUNC_END).</summary>
    public IReadOnlyList<AsmInstruction> Body { get; }

    /// <summary>Its loads.</summary>
    public IEnumerable<AsmInstruction> Loads => Body.Where(i => i.IsLoad);

    /// <summary>Its stores.</summary>
    public IEnumerable<AsmInstruction> Stores => Body.Where(i => i.IsStore);

    /// <summary>The exception-table entries on its instructions.</summary>
    public IEnumerable<AsmExtableRecord> Extable => Program.Extable.Where(e => Body.Contains(e.Instruction));

    /// <summary>Whether every load has an exception-table entry, so that consuming poison in the source can return.</summary>
    public bool EveryLoadHasAnEntry => Loads.All(l => Program.ExceptionTable.Search(l.Site!) is not null);

    /// <summary>The entry covering an instruction, or null.</summary>
    public ExtableEntry? EntryFor(AsmInstruction insn) => insn.Site is { } site ? Program.ExceptionTable.Search(site) : null;
}
