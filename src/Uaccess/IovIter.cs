using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// struct iov_iter with one segment, user (ITER_UBUF) or kernel (ITER_KVEC), and the copy helpers of lib/iov_iter.c
/// that move data through it. Each helper copies with the routine the kernel uses for that kind of iterator
/// (copy_to_user / copy_from_user for a user buffer, memcpy for a kernel one; copy_mc_to_user / copy_mc_to_kernel
/// in _copy_mc_to_iter), advances by the bytes actually copied and returns that count, so a routine's imprecise
/// "bytes not copied" shows directly as a shorter transfer.
/// </summary>
[KernelSymbol("include/linux/uio.h", "iov_iter")]
public sealed class IovIter
{
    private readonly ulong _base;

    private IovIter(IterType type, bool dataSource, ulong address, ulong count)
    {
        Type = type;
        DataSource = dataSource;
        _base = address;
        Count = count;
    }

    /// <summary>iter_type.</summary>
    public IterType Type { get; }

    /// <summary>data_source: the iterator supplies data (a write); false for a destination (ITER_DEST, a read).</summary>
    public bool DataSource { get; }

    /// <summary>iov_offset: how far into the segment the iterator has advanced.</summary>
    public ulong IovOffset { get; private set; }

    /// <summary>count: bytes left.</summary>
    public ulong Count { get; private set; }

    /// <summary>The address the next byte goes to or comes from.</summary>
    public ulong Current => _base + IovOffset;

    /// <summary>user_backed_iter().</summary>
    public bool UserBacked => Type == IterType.Ubuf;

    /// <summary>iov_iter_ubuf(): a user buffer of <paramref name="count"/> bytes.</summary>
    [KernelSymbol("include/linux/uio.h", "iov_iter_ubuf")]
    public static IovIter Ubuf(bool dataSource, ulong buf, ulong count) => new(IterType.Ubuf, dataSource, buf, count);

    /// <summary>iov_iter_kvec() with one kvec: a kernel buffer of <paramref name="count"/> bytes.</summary>
    [KernelSymbol("lib/iov_iter.c", "iov_iter_kvec")]
    public static IovIter Kvec(bool dataSource, ulong kaddr, ulong count) => new(IterType.Kvec, dataSource, kaddr, count);

    /// <summary>iov_iter_advance().</summary>
    [KernelSymbol("lib/iov_iter.c", "iov_iter_advance")]
    public void Advance(ulong size)
    {
        size = Math.Min(size, Count);
        IovOffset += size;
        Count -= size;
    }

    /// <summary>iov_iter_revert(): steps back over bytes a caller did not use.</summary>
    [KernelSymbol("lib/iov_iter.c", "iov_iter_revert")]
    public void Revert(ulong unroll)
    {
        unroll = Math.Min(unroll, IovOffset);
        IovOffset -= unroll;
        Count += unroll;
    }

    /// <summary>iov_iter_truncate(): at most <paramref name="count"/> bytes left.</summary>
    [KernelSymbol("include/linux/uio.h", "iov_iter_truncate")]
    public void Truncate(ulong count) => Count = Math.Min(Count, count);

    /// <summary>
    /// _copy_to_iter(addr, bytes, i): copy_to_user_iter (access_ok, raw_copy_to_user) for a user buffer, memcpy for a
    /// kernel one; advances by and returns the bytes copied.
    /// </summary>
    [KernelSymbol("lib/iov_iter.c", "_copy_to_iter")]
    public ulong CopyToIter(Machine machine, ulong addr, ulong bytes)
    {
        using var trace = machine.Tracer.Enter("_copy_to_iter");
        return DataSource ? 0 : IterateAndAdvance(bytes, (to, len) => CopyToUserIter(machine, to, addr, len), (to, len) => MemcpyToIter(machine, to, addr, len));
    }

    /// <summary>
    /// _copy_mc_to_iter(addr, bytes, i): with CONFIG_ARCH_HAS_COPY_MC, copy_mc_to_user for a user buffer and
    /// copy_mc_to_kernel for a kernel one, each returning the architecture's "bytes not copied"; advances by and
    /// returns the bytes copied. Without it include/linux/uio.h defines it as _copy_to_iter.
    /// </summary>
    [KernelSymbol("lib/iov_iter.c", "_copy_mc_to_iter")]
    public ulong CopyMcToIter(Machine machine, ulong addr, ulong bytes)
    {
        var copyMc = machine.Arch.CopyMc;
        if (!copyMc.HasArchCopyMc)
        {
            return CopyToIter(machine, addr, bytes);
        }

        using var trace = machine.Tracer.Enter("_copy_mc_to_iter");
        if (DataSource)
        {
            return 0;
        }

        return IterateAndAdvance(bytes, (to, len) => CopyToUserIterMc(machine, to, addr, len), (to, len) =>
        {
            using var step = machine.Tracer.Enter("copy_mc_to_kernel");
            var traps = machine.Traps.Count;
            var left = copyMc.CopyMcToKernel(to, addr, len);
            UserCopy.Note(machine, "copy_mc_to_kernel", left, traps);
            return left;
        });
    }

    /// <summary>
    /// copy_page_to_iter(page, offset, bytes, i): _copy_to_iter from the page's kernel address, a page at a time for
    /// a large folio, stopping at the first short copy; returns the bytes copied.
    /// </summary>
    [KernelSymbol("lib/iov_iter.c", "copy_page_to_iter")]
    public ulong CopyPageToIter(Machine machine, Page page, ulong offset, ulong bytes)
    {
        using var trace = machine.Tracer.Enter("copy_page_to_iter");
        if (DataSource)
        {
            return 0;
        }

        var pfn = page.Pfn + (offset >> PhysicalMemory.PageShift);
        offset &= PhysicalMemory.PageSize - 1;
        ulong res = 0;
        while (true)
        {
            var n = Math.Min(bytes, PhysicalMemory.PageSize - offset);
            n = CopyToIter(machine, machine.PhysToVirt((pfn << PhysicalMemory.PageShift) + offset), n);
            res += n;
            bytes -= n;
            if (bytes == 0 || n == 0)
            {
                return res;
            }

            offset += n;
            if (offset == PhysicalMemory.PageSize)
            {
                pfn++;
                offset = 0;
            }
        }
    }

    /// <summary>copy_folio_to_iter(folio, offset, bytes, i): copy_page_to_iter from the folio's first page.</summary>
    [KernelSymbol("include/linux/uio.h", "copy_folio_to_iter")]
    public ulong CopyFolioToIter(Machine machine, Folio folio, ulong offset, ulong bytes) => CopyPageToIter(machine, folio.Head, offset, bytes);

    /// <summary>
    /// _copy_from_iter(addr, bytes, i): copy_from_user_iter (access_ok, raw_copy_from_user, page faults enabled) for
    /// a user buffer, memcpy for a kernel one; advances by and returns the bytes copied.
    /// </summary>
    [KernelSymbol("lib/iov_iter.c", "_copy_from_iter")]
    public ulong CopyFromIter(Machine machine, ulong addr, ulong bytes) => CopyFromIter(machine, addr, bytes, pagefaults: true);

    /// <summary>
    /// copy_folio_from_iter_atomic(folio, offset, bytes, i): __copy_from_iter into the folio with page faults
    /// disabled (kmap_atomic), so a user page that is not present ends the copy short instead of being faulted in.
    /// </summary>
    [KernelSymbol("lib/iov_iter.c", "copy_page_from_iter_atomic")]
    public ulong CopyFolioFromIterAtomic(Machine machine, Folio folio, ulong offset, ulong bytes)
    {
        using var trace = machine.Tracer.Enter("copy_page_from_iter_atomic");
        return CopyFromIter(machine, machine.PageAddress(folio.Head) + offset, bytes, pagefaults: false);
    }

    /// <summary>
    /// fault_in_iov_iter_readable(i, size): for a user buffer, fault_in_readable() on the next bytes: one byte per
    /// page is read (unsafe_get_user, the start and each following page), faulting pages in; returns the bytes not
    /// faulted in. A kernel buffer needs nothing: 0.
    /// </summary>
    [KernelSymbol("lib/iov_iter.c", "fault_in_iov_iter_readable")]
    [KernelSymbol("mm/gup.c", "fault_in_readable")]
    public ulong FaultInIovIterReadable(Machine machine, ulong size)
    {
        if (!UserBacked)
        {
            return 0;
        }

        using var trace = machine.Tracer.Enter("fault_in_readable");
        size = Math.Min(size, Count);
        var start = Current;
        var arch = machine.Arch.Uaccess;
        if (size == 0)
        {
            return 0;
        }

        if (!arch.AccessOk(start, size))
        {
            return size;
        }

        var end = start + size;
        var cur = start;
        while (cur < end)
        {
            KernelUserFault.FaultIn(machine, cur, 1, write: false);
            if (arch.GetUserNocheck(cur, 1, out _) != 0)
            {
                break;
            }

            cur = Memory.PageAlign(cur + PhysicalMemory.PageSize);
        }

        return size > cur - start ? size - (cur - start) : 0;
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Type == IterType.Ubuf ? "ITER_UBUF" : "ITER_KVEC")} {(DataSource ? "source" : "dest")} {Current:x} count {Count}");

    // iterate_and_advance(): one segment, so one step; the step returns what it did not copy.
    private ulong IterateAndAdvance(ulong bytes, Func<ulong, ulong, ulong> userStep, Func<ulong, ulong, ulong> kernelStep)
    {
        var len = Math.Min(bytes, Count);
        if (len == 0)
        {
            return 0;
        }

        var remain = UserBacked ? userStep(Current, len) : kernelStep(Current, len);
        var progress = len - remain;
        Advance(progress);
        return progress;
    }

    // copy_to_user_iter(): access_ok, then raw_copy_to_user.
    [KernelSymbol("lib/iov_iter.c", "copy_to_user_iter")]
    private static ulong CopyToUserIter(Machine machine, ulong to, ulong from, ulong len)
    {
        var arch = machine.Arch.Uaccess;
        if (!arch.AccessOk(to, len))
        {
            return len;
        }

        using var trace = machine.Tracer.Enter("raw_copy_to_user");
        KernelUserFault.FaultIn(machine, to, len, write: true);
        var traps = machine.Traps.Count;
        var left = arch.RawCopyToUser(to, from, len);
        UserCopy.Note(machine, "raw_copy_to_user", left, traps);
        return left;
    }

    // copy_to_user_iter_mc(): access_ok, then copy_mc_to_user.
    [KernelSymbol("lib/iov_iter.c", "copy_to_user_iter_mc")]
    private static ulong CopyToUserIterMc(Machine machine, ulong to, ulong from, ulong len)
    {
        if (!machine.Arch.Uaccess.AccessOk(to, len))
        {
            return len;
        }

        using var trace = machine.Tracer.Enter("copy_mc_to_user");
        KernelUserFault.FaultIn(machine, to, len, write: true);
        var traps = machine.Traps.Count;
        var left = machine.Arch.CopyMc.CopyMcToUser(to, from, len);
        UserCopy.Note(machine, "copy_mc_to_user", left, traps);
        return left;
    }

    // memcpy_to_iter(): the architecture's memcpy; a fault in it is fatal, so it copies everything.
    [KernelSymbol("lib/iov_iter.c", "memcpy_to_iter")]
    private static ulong MemcpyToIter(Machine machine, ulong to, ulong from, ulong len)
    {
        Memcpy(machine, to, from, len);
        return 0;
    }

    private static void Memcpy(Machine machine, ulong to, ulong from, ulong len) =>
        machine.Arch.CopyRoutines.First(r => r.Name == "memcpy").Invoke(to, from, len);

    private ulong CopyFromIter(Machine machine, ulong addr, ulong bytes, bool pagefaults)
    {
        if (!DataSource)
        {
            return 0;
        }

        return IterateAndAdvance(bytes, (from, len) => CopyFromUserIter(machine, addr, from, len, pagefaults), (from, len) =>
        {
            Memcpy(machine, addr, from, len);
            return 0;
        });
    }

    // copy_from_user_iter(): access_ok, then raw_copy_from_user (no zeroing of the tail: the caller uses the count).
    [KernelSymbol("lib/iov_iter.c", "copy_from_user_iter")]
    private static ulong CopyFromUserIter(Machine machine, ulong to, ulong from, ulong len, bool pagefaults)
    {
        var arch = machine.Arch.Uaccess;
        if (!arch.AccessOk(from, len))
        {
            return len;
        }

        using var trace = machine.Tracer.Enter("raw_copy_from_user");
        if (pagefaults)
        {
            KernelUserFault.FaultIn(machine, from, len, write: false);
        }

        var traps = machine.Traps.Count;
        var left = arch.RawCopyFromUser(to, from, len);
        UserCopy.Note(machine, "raw_copy_from_user", left, traps);
        return left;
    }
}
