namespace KernelModel.Arch.RiscV.Asm;

/// <summary>A patch as read from a mail or a plain unified diff: its subject and the files it touches.</summary>
/// <param name="Name">Where it was read from (a file name), used in error locations.</param>
/// <param name="Subject">The mail's subject line (<c>[PATCH] ...</c>), or null for a plain diff.</param>
/// <param name="Files">The files in the order of the diff.</param>
public sealed record Patch(string Name, string? Subject, IReadOnlyList<PatchFile> Files)
{
    /// <summary>The file at <paramref name="path"/>, or null.</summary>
    public PatchFile? Find(string path) => Files.FirstOrDefault(f => f.Path == path);
}
