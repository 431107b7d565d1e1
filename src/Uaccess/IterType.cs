namespace KernelModel.Uaccess;

/// <summary>The kinds of iov_iter the modelled paths use (include/linux/uio.h, enum iter_type).</summary>
public enum IterType
{
    /// <summary>ITER_UBUF: one user buffer (read(2), write(2)).</summary>
    Ubuf,

    /// <summary>ITER_KVEC: one kernel buffer (kernel_read(), kernel_write()).</summary>
    Kvec,
}
