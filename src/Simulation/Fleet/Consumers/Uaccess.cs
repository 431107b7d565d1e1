namespace KernelModel.Simulation.Fleet.Consumers;

/// <summary>
/// The kernel's user copies (field-rates.md row 16): read() of a page-cache page with a poisoned line (copy_to_user
/// loads it: scenario copyout), write() from a poisoned user buffer (copy_from_user: copyin) and FUTEX_WAIT on a
/// poisoned word (get_user: futex).
/// These paths live in src/Uaccess (issue 6) and run as its catalogue scenarios; each placement is the id of the
/// scenario that consumes the poison that way. A build whose catalogue lacks one reports that placement as not
/// modelled instead of guessing its outcome.
/// </summary>
public sealed class Uaccess : Consumer
{
    /// <inheritdoc />
    public override string Id => "uaccess";

    /// <inheritdoc />
    public override string Summary => "the kernel's user copies: page-cache read(), copy_from_user, futex get_user (catalogue scenarios)";

    /// <inheritdoc />
    public override IReadOnlyList<string> Placements => ["copyout", "copyin", "futex"];

    /// <inheritdoc />
    public override Consumption Run(ConsumptionRunner runner, string profile, string placement, int seed) => runner.RunScenario(placement, profile, seed);
}
