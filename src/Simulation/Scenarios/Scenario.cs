using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios;

/// <summary>
/// A scenario: the unit users and tests share. It sets a machine up, injects poison, performs the action that
/// consumes it, and declares the outcome it expects on each profile, as a litmus test in the kernel's memory
/// model declares its Result. One xunit theory judges every scenario under every profile; the console runs the
/// same catalogue. A scenario is one class in Catalog/, named after its id.
/// </summary>
public abstract class Scenario
{
    /// <summary>The id users type: path, page kind and where the poison is (e.g. <c>cow-anon</c>).</summary>
    public abstract string Id { get; }

    /// <summary>One line: what happens.</summary>
    public abstract string Summary { get; }

    /// <summary>
    /// The machine it runs on (the runner sets the seed): 512 MiB, 2 CPUs, two 2 MiB huge pages, and the first 2 MiB
    /// kept by the kernel (PG_reserved), so that no user page or huge page sits at pfn 0.
    /// </summary>
    public virtual MachineConfig Config => new() { MemoryBytes = 512UL << 20, Cpus = 2, ReservedBytes = 2UL << 20, Hugepages2M = 2 };

    /// <summary>Builds processes, mappings and pages. The kernel must not die here.</summary>
    public abstract void Setup(ScenarioContext context);

    /// <summary>Places the poison (latent in a line, or through an injection interface).</summary>
    public abstract void Inject(ScenarioContext context);

    /// <summary>The workload step that consumes it.</summary>
    public abstract void Act(ScenarioContext context);

    /// <summary>What the kernel does on <paramref name="profile"/>, from the references.</summary>
    public abstract Expectation Expect(string profile);
}
