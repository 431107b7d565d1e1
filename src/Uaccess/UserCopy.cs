using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// The kernel's user-copy API (include/linux/uaccess.h, lib/usercopy.c) over the architecture's routines
/// (<see cref="IArchUaccess"/>): access_ok first, then the raw routine, whose return is the architecture's count of
/// bytes not copied. Which faults the routine survives is decided by the architecture's trap and exception table;
/// this layer only passes the count on. Page faults are enabled here (might_fault), so a not-present user page is
/// faulted in first (<see cref="KernelUserFault"/>).
/// </summary>
public static class UserCopy
{
    /// <summary>The memset that clears the tail of a short copy_from_user (a kernel buffer: no entry, cannot fault).</summary>
    public static readonly CodeSite ZeroTailStore = new("memset", "_copy_from_user: zero the bytes not copied", SiteAccess.Store);

    /// <summary>
    /// _copy_from_user(to, from, n): access_ok, raw_copy_from_user, and on a short copy the rest of the kernel
    /// buffer is zeroed (so no stale kernel data is used); returns the bytes not copied.
    /// </summary>
    [KernelSymbol("include/linux/uaccess.h", "_copy_from_user")]
    public static ulong CopyFromUser(Machine machine, ulong to, ulong from, ulong n)
    {
        using var trace = machine.Tracer.Enter("_copy_from_user");
        var arch = machine.Arch.Uaccess;
        var res = n;
        if (arch.AccessOk(from, n))
        {
            KernelUserFault.FaultIn(machine, from, n, write: false);
            var traps = machine.Traps.Count;
            res = arch.RawCopyFromUser(to, from, n);
            Note(machine, "raw_copy_from_user", res, traps);
        }

        if (res != 0)
        {
            ZeroTail(machine, to + (n - res), res);
        }

        return res;
    }

    /// <summary>_copy_to_user(to, from, n): access_ok, then raw_copy_to_user; returns the bytes not copied.</summary>
    [KernelSymbol("include/linux/uaccess.h", "_copy_to_user")]
    public static ulong CopyToUser(Machine machine, ulong to, ulong from, ulong n)
    {
        using var trace = machine.Tracer.Enter("_copy_to_user");
        var arch = machine.Arch.Uaccess;
        if (!arch.AccessOk(to, n))
        {
            return n;
        }

        KernelUserFault.FaultIn(machine, to, n, write: true);
        var traps = machine.Traps.Count;
        var res = arch.RawCopyToUser(to, from, n);
        Note(machine, "raw_copy_to_user", res, traps);
        return res;
    }

    /// <summary>get_user(x, ptr): 0, or -EFAULT with <paramref name="value"/> zeroed.</summary>
    [KernelSymbol("include/linux/uaccess.h", "get_user")]
    public static int GetUser(Machine machine, ulong uaddr, int size, out ulong value)
    {
        KernelUserFault.FaultIn(machine, uaddr, (ulong)size, write: false);
        return machine.Arch.Uaccess.GetUser(uaddr, size, out value);
    }

    /// <summary>put_user(x, ptr): 0 or -EFAULT.</summary>
    [KernelSymbol("include/linux/uaccess.h", "put_user")]
    public static int PutUser(Machine machine, ulong uaddr, int size, ulong value)
    {
        KernelUserFault.FaultIn(machine, uaddr, (ulong)size, write: true);
        return machine.Arch.Uaccess.PutUser(uaddr, size, value);
    }

    /// <summary>
    /// Records in the trace how the traps taken since <paramref name="trapsBefore"/> were handled (the fixup taken, at
    /// which site) and a raw routine's "bytes not copied" when it fell short.
    /// </summary>
    internal static void Note(Machine machine, string routine, ulong notCopied, int trapsBefore)
    {
        if (!machine.Tracer.Enabled)
        {
            return;
        }

        foreach (var trap in machine.Traps.Skip(trapsBefore))
        {
            machine.Tracer.Note($"{trap.Outcome} at {trap.Site}: {trap.Detail}");
        }

        if (notCopied != 0)
        {
            machine.Tracer.Note($"{routine}() = {notCopied} bytes not copied");
        }
    }

    // memset(to, 0, n) on a kernel buffer, a page at a time.
    private static void ZeroTail(Machine machine, ulong to, ulong n)
    {
        var cpu = machine.CurrentCpu;
        Span<byte> zeros = stackalloc byte[PhysicalMemory.PageSize];
        zeros.Clear();
        while (n > 0)
        {
            var chunk = Math.Min(n, PhysicalMemory.PageSize - (to & (PhysicalMemory.PageSize - 1)));
            cpu.Store(ZeroTailStore, to, zeros[..(int)chunk]);
            to += chunk;
            n -= chunk;
        }
    }
}
