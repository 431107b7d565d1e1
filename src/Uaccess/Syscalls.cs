using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// The system calls scenarios make: the task enters the kernel on the current CPU, the call runs, and on the way out
/// the task returns to user mode (exit_to_user_mode: its task work runs, such as x86's kill_me_never or GHES's
/// memory_failure_cb, then its signals are acted on). A call that kills the kernel does not return. Returns are the
/// kernel's: a count or -errno.
/// </summary>
public static class Syscalls
{
    /// <summary>SEEK_SET.</summary>
    public const int SeekSet = 0;

    /// <summary>SEEK_CUR.</summary>
    public const int SeekCur = 1;

    /// <summary>SEEK_END.</summary>
    public const int SeekEnd = 2;

    /// <summary>read(fd, buf, count): vfs_read at f_pos, which advances.</summary>
    [KernelSymbol("fs/read_write.c", "ksys_read")]
    public static long Read(Machine machine, TaskStruct task, OpenFile file, ulong buf, ulong count) => Syscall(machine, task, "read", () =>
    {
        var pos = file.Position;
        var ret = Vfs.VfsRead(machine, file, buf, count, ref pos);
        file.Position = pos;
        return ret;
    });

    /// <summary>pread64(fd, buf, count, pos): vfs_read at <paramref name="pos"/>; f_pos is left alone.</summary>
    [KernelSymbol("fs/read_write.c", "ksys_pread64")]
    public static long Pread64(Machine machine, TaskStruct task, OpenFile file, ulong buf, ulong count, long pos) => Syscall(machine, task, "pread64", () =>
    {
        if (pos < 0)
        {
            return -Errno.EINVAL;
        }

        var p = (ulong)pos;
        return Vfs.VfsRead(machine, file, buf, count, ref p);
    });

    /// <summary>write(fd, buf, count): vfs_write at f_pos, which advances.</summary>
    [KernelSymbol("fs/read_write.c", "ksys_write")]
    public static long Write(Machine machine, TaskStruct task, OpenFile file, ulong buf, ulong count) => Syscall(machine, task, "write", () =>
    {
        var pos = file.Position;
        var ret = Vfs.VfsWrite(machine, file, buf, count, ref pos);
        file.Position = pos;
        return ret;
    });

    /// <summary>pwrite64(fd, buf, count, pos): vfs_write at <paramref name="pos"/>.</summary>
    [KernelSymbol("fs/read_write.c", "ksys_pwrite64")]
    public static long Pwrite64(Machine machine, TaskStruct task, OpenFile file, ulong buf, ulong count, long pos) => Syscall(machine, task, "pwrite64", () =>
    {
        if (pos < 0)
        {
            return -Errno.EINVAL;
        }

        var p = (ulong)pos;
        return Vfs.VfsWrite(machine, file, buf, count, ref p);
    });

    /// <summary>
    /// lseek(fd, offset, whence): generic_file_llseek for SEEK_SET, SEEK_CUR and SEEK_END; -EINVAL for another whence
    /// or a negative result.
    /// </summary>
    [KernelSymbol("fs/read_write.c", "generic_file_llseek")]
    public static long Lseek(Machine machine, TaskStruct task, OpenFile file, long offset, int whence) => Syscall(machine, task, "lseek", () =>
    {
        long? target = whence switch
        {
            SeekSet => offset,
            SeekCur => (long)file.Position + offset,
            SeekEnd => (long)file.Inode.Size + offset,
            _ => null,
        };
        if (target is not { } t || t < 0)
        {
            return -Errno.EINVAL;
        }

        file.Position = (ulong)t;
        return t;
    });

    /// <summary>fsync(fd): vfs_fsync; 0 or the writeback error (-EIO after memory_failure dropped a dirty page).</summary>
    [KernelSymbol("fs/sync.c", "do_fsync")]
    public static long Fsync(Machine machine, TaskStruct task, OpenFile file) => Syscall(machine, task, "fsync", () => Vfs.VfsFsync(machine, file));

    /// <summary>futex(uaddr, op, val, timeout): do_futex.</summary>
    [KernelSymbol("kernel/futex/syscalls.c", "sys_futex")]
    public static long Futex(Machine machine, TaskStruct task, ulong uaddr, int op, uint val, TimeSpan? timeout = null) =>
        Syscall(machine, task, "futex", () => Uaccess.Futex.DoFutex(machine, uaddr, op, val, timeout));

    // The task runs the call in kernel mode on the current CPU, then returns to user mode.
    private static long Syscall(Machine machine, TaskStruct task, string name, Func<long> body)
    {
        long ret;
        using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        using (machine.Tracer.Enter("__do_sys_" + name))
        {
            ret = body();
            machine.Tracer.Note($"{name}() = {ret}");
        }

        machine.ReturnToUser(task);
        return ret;
    }
}
