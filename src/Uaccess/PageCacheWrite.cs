using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// The buffered write (mm/filemap.c generic_perform_write) with the address-space operations of the modelled
/// filesystems. The copy from the user buffer is copy_folio_from_iter_atomic(): page faults disabled, so a user page
/// that is not present, or poison consumed in it, ends the copy short. The loop is mainline's since "filemap: move
/// prefaulting out of hot write path" (Dave Hansen, 2025): a short copy the filesystem accepts is written and the loop
/// goes on; a copy of nothing (write_end returns 0) is retried with a smaller chunk, and only then is the source faulted
/// in with fault_in_iov_iter_readable(); if that cannot fault in a single byte the write ends with -EFAULT, or with
/// the bytes written so far. Before that change the source was faulted in at the top of every step; the syscall's
/// result is the same, only the number of times a poisoned source line is read differs.
/// <para>
/// The loop relies on raw_copy_from_user copying something whenever the byte at the source cursor is readable (the
/// rule arm64's 9997 "try harder" fixup exists for). A routine that stops a whole block short of the poisoned line
/// (RISC-V's 8-register block when the block straddles into the poisoned line) copies nothing again and again while
/// fault_in_readable() reads the clean byte at the cursor: the kernel spins until a fatal signal is pending, then
/// returns -EINTR. The model cannot spin forever: when a step repeats with no progress it stands in for whoever kills
/// the task (an assumption: SIGKILL to current), and the loop ends through the kernel's fatal_signal_pending() check.
/// </para>
/// </summary>
public static class PageCacheWrite
{
    /// <summary>generic_file_write_iter() / shmem_file_write_iter(): the buffered write (O_DIRECT is not modelled).</summary>
    [KernelSymbol("mm/filemap.c", "generic_file_write_iter")]
    [KernelSymbol("mm/shmem.c", "shmem_file_write_iter")]
    public static long GenericFileWriteIter(Machine machine, Kiocb iocb, IovIter from) => from.Count == 0 ? 0 : GenericPerformWrite(machine, iocb, from);

    /// <summary>generic_perform_write(iocb, i): returns the bytes written, or the error when none were.</summary>
    [KernelSymbol("mm/filemap.c", "generic_perform_write")]
    public static long GenericPerformWrite(Machine machine, Kiocb iocb, IovIter i)
    {
        using var trace = machine.Tracer.Enter("generic_perform_write");
        var inode = iocb.Inode;
        var pos = iocb.Pos;
        var chunk = (ulong)PhysicalMemory.PageSize;
        long status = 0;
        long written = 0;
        var stalledAt = ulong.MaxValue;
        do
        {
            if (machine.CurrentCpu.Current is { } current && current.Pending.Any(s => s.Signo == Signals.SIGKILL))
            {
                status = -Errno.EINTR;
                break;
            }

            var bytes = i.Count;
            while (true)
            {
                var offset = pos & (chunk - 1);
                bytes = Math.Min(chunk - offset, bytes);
                if (WriteBegin(machine, inode, pos) is not { } folio)
                {
                    status = -Errno.ENOMEM;
                    break;
                }

                offset = pos - (folio.Index << PhysicalMemory.PageShift);
                bytes = Math.Min(bytes, folio.Size - offset);
                var copied = i.CopyFolioFromIterAtomic(machine, folio, offset, bytes);
                status = WriteEnd(inode, folio, pos, bytes, copied);
                if (status != (long)copied)
                {
                    i.Revert(copied - (ulong)Math.Max(status, 0));
                }

                if (status != 0)
                {
                    break;
                }

                if (copied != 0)
                {
                    bytes = copied;
                    continue;
                }

                // The folio is unlocked now, so faults on the source can be handled: make sure of forward progress.
                if (i.FaultInIovIterReadable(machine, bytes) == bytes)
                {
                    status = -Errno.EFAULT;
                }
                else if (stalledAt == pos)
                {
                    Stall(machine, pos);
                }

                stalledAt = pos;
                break;
            }

            if (status < 0)
            {
                break;
            }

            pos += (ulong)status;
            written += status;
        }
        while (i.Count > 0);

        if (written == 0)
        {
            return status;
        }

        iocb.Pos += (ulong)written;
        return written;
    }

    // A second step with no progress at the same position: the kernel would spin here until killed.
    private static void Stall(Machine machine, ulong pos)
    {
        machine.Tracer.Note($"no forward progress at pos {pos}: the copy stops short of a readable byte; the task spins until a fatal signal (the model sends SIGKILL)");
        machine.CurrentCpu.Current?.SendSignal(new SigInfo(Signals.SIGKILL, Signals.SI_USER), force: true);
    }

    /// <summary>
    /// write_begin: the folio caching <paramref name="pos"/>, up to date. A regular file reads it in from the backing
    /// store first (block_write_begin reads the blocks a write does not cover; the model always reads, so a short copy
    /// is accepted below); shmem_write_begin allocates a missing folio (shmem_get_folio with SGP_WRITE), zeroed.
    /// </summary>
    [KernelSymbol("fs/buffer.c", "block_write_begin")]
    [KernelSymbol("mm/shmem.c", "shmem_write_begin")]
    private static Folio? WriteBegin(Machine machine, Inode inode, ulong pos) => machine.Filemap.ReadCacheFolio(inode, pos >> PhysicalMemory.PageShift);

    /// <summary>
    /// write_end: generic_write_end / shmem_write_end on an up-to-date folio: the <paramref name="copied"/> bytes are
    /// accepted, the folio is dirtied and i_size grows to cover them.
    /// </summary>
    [KernelSymbol("fs/buffer.c", "generic_write_end")]
    [KernelSymbol("mm/shmem.c", "shmem_write_end")]
    private static long WriteEnd(Inode inode, Folio folio, ulong pos, ulong len, ulong copied)
    {
        if (copied < len && !folio.Test(PageFlags.Uptodate))
        {
            return 0;
        }

        if (copied != 0)
        {
            Filemap.MarkDirty(folio);
            inode.Size = Math.Max(inode.Size, pos + copied);
        }

        return (long)copied;
    }
}
