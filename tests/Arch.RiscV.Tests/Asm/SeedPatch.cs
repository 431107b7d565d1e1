using KernelModel.Arch.RiscV.Asm;

namespace KernelModel.Arch.RiscV.Tests.Asm;

/// <summary>
/// The RISC-V seed patch, read at run time from ../shared/seeds/ next to the repository (found by walking up from the
/// test assembly to the folder holding KernelModel.sln). Nothing of the patch is in the repository.
/// </summary>
internal static class SeedPatch
{
    public const string FileName = "000_c9e1f456e42b6852.txt";

    private static readonly Lazy<Patch> Parsed = new(() => PatchReader.ReadFile(Path));
    private static readonly Lazy<AsmRoutine> Rv64Routine = new(() => PatchAssembler.Assemble(Patch, AsmTarget.Rv64));
    private static readonly Lazy<AsmRoutine> Rv32Routine = new(() => PatchAssembler.Assemble(Patch, AsmTarget.Rv32));

    public static string Path
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "KernelModel.sln")))
                {
                    return System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "seeds", FileName));
                }
            }

            throw new InvalidOperationException($"no KernelModel.sln above {AppContext.BaseDirectory}");
        }
    }

    public static Patch Patch => Parsed.Value;

    public static AsmRoutine Routine(int xlen) => xlen == 64 ? Rv64Routine.Value : Rv32Routine.Value;
}
