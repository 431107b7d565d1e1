namespace KernelModel.Mm.Tests.Hardware;

/// <summary>
/// Tests that measure the host process's managed heap (GC.GetTotalMemory) run alone: other test classes allocating
/// frames in parallel would otherwise show up in their measurement.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostMemoryCollection
{
    public const string Name = "host memory measurements";
}
