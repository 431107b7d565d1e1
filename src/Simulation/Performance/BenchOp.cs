namespace KernelModel.Simulation.Performance;

/// <summary>
/// One timed operation of <c>kmodel bench</c>. <see cref="Run"/> makes <c>n</c> calls; when <see cref="Prepare"/> is
/// set, every batch of exactly <see cref="CallsPerBatch"/> calls needs it first (a fresh fork, a fresh machine), and
/// the preparation is not timed.
/// </summary>
/// <param name="Run">Makes <c>n</c> calls.</param>
/// <param name="Prepare">Runs before each batch, untimed; null when a batch needs nothing.</param>
/// <param name="CallsPerBatch">Calls per prepared batch (ignored without <paramref name="Prepare"/>).</param>
public sealed record BenchOp(Action<int> Run, Action? Prepare = null, int CallsPerBatch = 1);
