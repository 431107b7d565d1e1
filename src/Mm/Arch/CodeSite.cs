namespace KernelModel.Mm;

/// <summary>Whether an instruction reads or writes memory.</summary>
public enum SiteAccess
{
    /// <summary>A load.</summary>
    Load,

    /// <summary>A store.</summary>
    Store,
}

/// <summary>
/// An instruction that touches memory: the model's program counter. Routines declare their sites once
/// (static) and name one on every access, so the exception table can be keyed by site as the kernel's is
/// keyed by instruction address.
/// </summary>
/// <param name="Routine">The kernel routine (e.g. <c>__memcpy_mc</c>).</param>
/// <param name="Label">Where in the routine (e.g. <c>bulk: REG_L word 3</c>).</param>
/// <param name="Access">Load or store.</param>
public sealed record CodeSite(string Routine, string Label, SiteAccess Access)
{
    // Every trap looks its site up in the exception table (x86 grades it in several tables); the record's own hash
    // would hash both strings on every lookup, so it is computed once. The members are get-only so that no `with`
    // can leave it stale.
    private readonly int _hash = HashCode.Combine(Routine, Label, Access);

    /// <summary>The kernel routine.</summary>
    public string Routine { get; } = Routine;

    /// <summary>Where in the routine.</summary>
    public string Label { get; } = Label;

    /// <summary>Load or store.</summary>
    public SiteAccess Access { get; } = Access;

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <inheritdoc />
    public override string ToString() => $"{Routine}+{Label} ({(Access == SiteAccess.Load ? "load" : "store")})";
}
