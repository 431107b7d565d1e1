using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// The load and store instructions of arch/arm64/lib/copy_template.S as one including routine assembles them
/// (each inclusion is its own code, so each routine has its own sites). A store macro is one instruction
/// (<c>stp</c>) in memcpy_mc and a pair of unprivileged stores (<c>user_stp</c>: two <c>sttr</c>, then the
/// post-increment) in __arch_copy_to_user, so a store is a list of parts. In __arch_copy_from_user the loads are the
/// unprivileged ones (<c>ldtr*</c>; <c>user_ldp</c> is two <c>ldtr</c> then the post-increment). A load pair stays
/// one site: the template reads pairs only from a 16-byte-aligned source, so both halves lie in one line and one page
/// and the first <c>ldtr</c> is the one that faults.
/// </summary>
internal sealed class CopyTemplateSites
{
    /// <summary>Builds the sites of one inclusion.</summary>
    /// <param name="routine">The including routine.</param>
    /// <param name="userStores">Whether the store macros are the uaccess ones (sttr*, user_stp).</param>
    /// <param name="userLoads">Whether the load macros are the uaccess ones (ldtr*, user_ldp).</param>
    public CopyTemplateSites(string routine, bool userStores, bool userLoads = false)
    {
        Routine = routine;
        var loads = new List<CodeSite>();
        var stores = new List<CodeSite>();
        CodeSite Load(string label)
        {
            var suffix = !userLoads ? string.Empty : label.Contains("ldp1", StringComparison.Ordinal) ? " (user_ldp)" : " (ldtr)";
            var site = new CodeSite(routine, label + suffix, SiteAccess.Load);
            loads.Add(site);
            return site;
        }

        CodeSite[] Store(string label, bool pair)
        {
            CodeSite[] parts = userStores && pair
                ? [new(routine, label + " (sttr low)", SiteAccess.Store), new(routine, label + " (sttr high)", SiteAccess.Store)]
                : [new(routine, label + (userStores ? " (sttr)" : string.Empty), SiteAccess.Store)];
            stores.AddRange(parts);
            return parts;
        }

        LeadB = (Load("lead: ldrb1"), Store("lead: strb1", false));
        LeadH = (Load("lead: ldrh1"), Store("lead: strh1", false));
        LeadW = (Load("lead: ldr1 w"), Store("lead: str1 w", false));
        LeadX = (Load("lead: ldr1 x"), Store("lead: str1 x", false));
        Tail63 = [.. Enumerable.Range(1, 3).Select(i => (Load($"tail63: ldp1 #{i}"), Store($"tail63: stp1 #{i}", true)))];
        Tiny15X = (Load("tiny15: ldr1 x"), Store("tiny15: str1 x", false));
        Tiny15W = (Load("tiny15: ldr1 w"), Store("tiny15: str1 w", false));
        Tiny15H = (Load("tiny15: ldrh1"), Store("tiny15: strh1", false));
        Tiny15B = (Load("tiny15: ldrb1"), Store("tiny15: strb1", false));
        string[] abcd = ["A", "B", "C", "D"];
        Over64Load = [.. abcd.Select(r => Load($"cpy_over64: ldp1 {r}"))];
        Over64Store = [.. abcd.Select(r => Store($"cpy_over64: stp1 {r}", true))];
        LargePreload = [.. abcd.Select(r => Load($"cpy_body_large: ldp1 {r} (pre-get)"))];
        LoopStore = [.. abcd.Select(r => Store($"cpy_body_large loop: stp1 {r}", true))];
        LoopLoad = [.. abcd.Select(r => Load($"cpy_body_large loop: ldp1 {r}"))];
        LargeDrain = [.. abcd.Select(r => Store($"cpy_body_large drain: stp1 {r}", true))];
        Loads = loads;
        Stores = stores;
    }

    /// <summary>The including routine.</summary>
    public string Routine { get; }

    /// <summary>Every load, in template order.</summary>
    public IReadOnlyList<CodeSite> Loads { get; }

    /// <summary>Every store part, in template order.</summary>
    public IReadOnlyList<CodeSite> Stores { get; }

    /// <summary>Lead-in to 16-byte source alignment: one byte.</summary>
    public (CodeSite Load, CodeSite[] Store) LeadB { get; }

    /// <summary>Lead-in: two bytes.</summary>
    public (CodeSite Load, CodeSite[] Store) LeadH { get; }

    /// <summary>Lead-in: four bytes.</summary>
    public (CodeSite Load, CodeSite[] Store) LeadW { get; }

    /// <summary>Lead-in: eight bytes.</summary>
    public (CodeSite Load, CodeSite[] Store) LeadX { get; }

    /// <summary>.Ltail63: up to three 16-byte pairs.</summary>
    public IReadOnlyList<(CodeSite Load, CodeSite[] Store)> Tail63 { get; }

    /// <summary>.Ltiny15: eight bytes.</summary>
    public (CodeSite Load, CodeSite[] Store) Tiny15X { get; }

    /// <summary>.Ltiny15: four bytes.</summary>
    public (CodeSite Load, CodeSite[] Store) Tiny15W { get; }

    /// <summary>.Ltiny15: two bytes.</summary>
    public (CodeSite Load, CodeSite[] Store) Tiny15H { get; }

    /// <summary>.Ltiny15: one byte.</summary>
    public (CodeSite Load, CodeSite[] Store) Tiny15B { get; }

    /// <summary>.Lcpy_over64 (64..127 bytes): the loads of A, B, C, D.</summary>
    public IReadOnlyList<CodeSite> Over64Load { get; }

    /// <summary>.Lcpy_over64: the stores of A, B, C, D.</summary>
    public IReadOnlyList<CodeSite[]> Over64Store { get; }

    /// <summary>.Lcpy_body_large: the 64 bytes loaded ahead of the loop.</summary>
    public IReadOnlyList<CodeSite> LargePreload { get; }

    /// <summary>The large loop's stores of the previous block.</summary>
    public IReadOnlyList<CodeSite[]> LoopStore { get; }

    /// <summary>The large loop's loads of the next block.</summary>
    public IReadOnlyList<CodeSite> LoopLoad { get; }

    /// <summary>After the loop: the stores of the last block loaded.</summary>
    public IReadOnlyList<CodeSite[]> LargeDrain { get; }
}
