namespace KernelModel.Uaccess;

/// <summary>
/// Where a DAX file lives: its whole length is one mapped extent (IOMAP_MAPPED) on a pmem device, starting at a
/// page-aligned device offset. The model keeps it in the inode's i_private.
/// </summary>
/// <param name="Device">The pmem device.</param>
/// <param name="Offset">The device offset of file offset 0.</param>
public sealed record DaxExtent(PmemDevice Device, ulong Offset);
