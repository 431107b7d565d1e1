using KernelModel.Arch.RiscV.Asm;

namespace KernelModel.Arch.RiscV.Tests.Asm;

/// <summary>
/// The RISC-V seed patch, read at run time from shared/seeds/ next to the repository. Nothing of the patch is in the
/// repository.
/// </summary>
internal static class SeedPatch
{
    public const string FileName = "000_c9e1f456e42b6852.txt";

    private static readonly Lazy<Patch> Parsed = new(() => PatchReader.ReadFile(Path));
    private static readonly Lazy<AsmRoutine> Rv64Routine = new(() => PatchAssembler.Assemble(Patch, AsmTarget.Rv64));
    private static readonly Lazy<AsmRoutine> Rv32Routine = new(() => PatchAssembler.Assemble(Patch, AsmTarget.Rv32));

    /// <summary>
    /// shared/seeds/ beside the repository: ../shared from the folder holding KernelModel.sln, or from a folder above it
    /// (a git worktree sits one level deeper than the main clone).
    /// </summary>
    public static string Path
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "KernelModel.sln")))
            {
                root = root.Parent;
            }

            for (var dir = root?.Parent; dir is not null; dir = dir.Parent)
            {
                var seed = System.IO.Path.Combine(dir.FullName, "shared", "seeds", FileName);
                if (File.Exists(seed))
                {
                    return seed;
                }
            }

            throw new InvalidOperationException($"the seed {FileName} is not in shared/seeds/ beside the repository above {AppContext.BaseDirectory}");
        }
    }

    public static Patch Patch => Parsed.Value;

    public static AsmRoutine Routine(int xlen) => xlen == 64 ? Rv64Routine.Value : Rv32Routine.Value;
}
