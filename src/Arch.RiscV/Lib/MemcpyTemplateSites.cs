namespace KernelModel.Arch.RiscV;

/// <summary>
/// The load and store instructions of arch/riscv/lib/memcpy_template.S as one includer (<c>__memcpy</c> or
/// <c>__memcpy_mc</c>) assembles them: each LOAD_*/STORE_* macro use is one site. Labels name the template's
/// local label, the macro and its operands, so a site reads like the line of the patch it stands for.
/// </summary>
public sealed class MemcpyTemplateSites
{
    /// <summary>The unrolled loop's data registers, word 0 to 15 (words 10-15 reuse the first six).</summary>
    public static IReadOnlyList<string> BulkRegisters { get; } =
        ["a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3", "t4", "t5", "a4", "a5", "a6", "a7", "t0", "t1"];

    /// <summary>Assembles the template's sites for <paramref name="routine"/>.</summary>
    public MemcpyTemplateSites(string routine)
    {
        Routine = routine;
        LeadLoad = new(routine, ".Llead_copy: LOAD_B a5, 0(a1)", SiteAccess.Load);
        LeadStore = new(routine, ".Llead_copy: STORE_B a5, 0(t6)", SiteAccess.Store);
        BulkLoad = Enumerable.Range(0, 16).Select(k => new CodeSite(routine, $".Lunrolled_loop: LOAD_REG {BulkRegisters[k]}, {Offset(k)}(a1)", SiteAccess.Load)).ToArray();
        BulkStore = Enumerable.Range(0, 16).Select(k => new CodeSite(routine, $".Lunrolled_loop: STORE_REG {BulkRegisters[k]}, {Offset(k)}(t6)", SiteAccess.Store)).ToArray();
        WordTailLoad = new(routine, ".Lword_tail: LOAD_W a4, 0(a1)", SiteAccess.Load);
        WordTailStore = new(routine, ".Lword_tail: STORE_W a4, 0(t6)", SiteAccess.Store);
        ByteTailLoad = new(routine, ".Lbyte_tail: LOAD_B a4, 0(a1)", SiteAccess.Load);
        ByteTailStore = new(routine, ".Lbyte_tail: STORE_B a4, 0(t6)", SiteAccess.Store);
        All =
        [
            LeadLoad, LeadStore,
            .. BulkLoad.Take(10), .. BulkStore.Take(10), .. BulkLoad.Skip(10), .. BulkStore.Skip(10),
            WordTailLoad, WordTailStore, ByteTailLoad, ByteTailStore,
        ];
    }

    /// <summary>The includer's symbol.</summary>
    public string Routine { get; }

    /// <summary>.Llead_copy's byte load.</summary>
    public CodeSite LeadLoad { get; }

    /// <summary>.Llead_copy's byte store.</summary>
    public CodeSite LeadStore { get; }

    /// <summary>.Lunrolled_loop's SZREG loads, by word 0-15.</summary>
    public IReadOnlyList<CodeSite> BulkLoad { get; }

    /// <summary>.Lunrolled_loop's SZREG stores, by word 0-15.</summary>
    public IReadOnlyList<CodeSite> BulkStore { get; }

    /// <summary>.Lword_tail's 32-bit load.</summary>
    public CodeSite WordTailLoad { get; }

    /// <summary>.Lword_tail's 32-bit store.</summary>
    public CodeSite WordTailStore { get; }

    /// <summary>.Lbyte_tail's byte load.</summary>
    public CodeSite ByteTailLoad { get; }

    /// <summary>.Lbyte_tail's byte store.</summary>
    public CodeSite ByteTailStore { get; }

    /// <summary>Every site in program order.</summary>
    public IReadOnlyList<CodeSite> All { get; }

    private static string Offset(int word) => word switch
    {
        0 => "0",
        1 => "SZREG",
        _ => $"{word}*SZREG",
    };
}
