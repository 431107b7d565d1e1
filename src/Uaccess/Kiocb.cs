using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>struct kiocb (include/linux/fs.h): the file an I/O is on and the position it starts at and advances.</summary>
/// <param name="file">ki_filp.</param>
/// <param name="pos">ki_pos.</param>
[KernelSymbol("include/linux/fs.h", "kiocb")]
public sealed class Kiocb(OpenFile file, ulong pos)
{
    /// <summary>ki_filp.</summary>
    public OpenFile File { get; } = file;

    /// <summary>ki_pos.</summary>
    public ulong Pos { get; set; } = pos;

    /// <summary>The file's inode.</summary>
    public Inode Inode => File.Inode;
}
