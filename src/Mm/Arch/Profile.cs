namespace KernelModel.Mm;

/// <summary>
/// An architecture profile users pick by name (<c>riscv64</c>, <c>arm64-upstream</c>, <c>generic</c> ...):
/// the architecture backend with its options fixed. Architecture projects register theirs with DI.
/// </summary>
/// <param name="Name">The name on the command line.</param>
/// <param name="Description">One line: which kernel, which patch, which options.</param>
/// <param name="Architecture">Builds the backend for a machine.</param>
/// <param name="Configure">
/// The profile's own settings of the machine it boots (architecture code the generic mm paths call, such as how a
/// VM_FAULT_HWPOISON becomes a signal): applied by <see cref="ProfileCatalog.Boot"/> to the caller's configuration.
/// Null leaves it as it is.
/// </param>
public sealed record Profile(string Name, string Description, Func<Machine, IArchitecture> Architecture, Func<MachineConfig, MachineConfig>? Configure = null);
