// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>Error numbers with the kernel's values (include/uapi/asm-generic/errno-base.h, errno.h).</summary>
[KernelSymbol("include/uapi/asm-generic/errno-base.h", "EFAULT")]
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int ENXIO = 6;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ESPIPE = 29;
    public const int ENOSYS = 38;
    public const int EOPNOTSUPP = 95;
    public const int ETIMEDOUT = 110;
    public const int EHWPOISON = 133;

    private static readonly Dictionary<int, string> Names = new()
    {
        [EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR", [EIO] = "EIO",
        [ENXIO] = "ENXIO", [EBADF] = "EBADF", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
        [EACCES] = "EACCES", [EFAULT] = "EFAULT", [EBUSY] = "EBUSY", [EEXIST] = "EEXIST",
        [ENODEV] = "ENODEV", [EINVAL] = "EINVAL", [ENOSPC] = "ENOSPC", [ESPIPE] = "ESPIPE",
        [ENOSYS] = "ENOSYS", [EOPNOTSUPP] = "EOPNOTSUPP", [ETIMEDOUT] = "ETIMEDOUT", [EHWPOISON] = "EHWPOISON",
    };

    /// <summary>The kernel's name for a positive errno value ("EFAULT"), or the number when unknown.</summary>
    public static string Name(int errno) =>
        Names.TryGetValue(Math.Abs(errno), out var name) ? name : Math.Abs(errno).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
