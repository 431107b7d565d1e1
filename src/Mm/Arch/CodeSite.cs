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
    /// <inheritdoc />
    public override string ToString() => $"{Routine}+{Label} ({(Access == SiteAccess.Load ? "load" : "store")})";
}
