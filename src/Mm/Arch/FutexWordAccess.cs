using System.Buffers.Binary;

namespace KernelModel.Mm;

/// <summary>
/// The memory side every architecture's futex atomics share (arch/*/include/asm/futex.h): one load of the user
/// word and, when the operation writes, one store, at the architecture's own sites. The architectures keep
/// their access_ok and their instruction choice; a fault at either site (fixed up by their extable) is -EFAULT.
/// </summary>
public static class FutexWordAccess
{
    /// <summary>futex_atomic_cmpxchg_inatomic()'s access: store <paramref name="newval"/> only when the word equals <paramref name="oldval"/>.</summary>
    public static int Cmpxchg(Cpu cpu, CodeSite load, CodeSite store, ulong uaddr, uint oldval, uint newval, out uint uval)
    {
        uval = 0;
        Span<byte> word = stackalloc byte[4];
        if (cpu.Load(load, uaddr, word) != AccessResult.Ok)
        {
            return -Errno.EFAULT;
        }

        var current = BinaryPrimitives.ReadUInt32LittleEndian(word);
        if (current == oldval)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(word, newval);
            if (cpu.Store(store, uaddr, word) != AccessResult.Ok)
            {
                return -Errno.EFAULT;
            }
        }

        uval = current;
        return 0;
    }

    /// <summary>arch_futex_atomic_op_inuser()'s access: the FUTEX_OP_* operation applied to the word; the old value in <paramref name="oval"/>.</summary>
    public static int Apply(Cpu cpu, CodeSite load, CodeSite store, FutexOp op, int oparg, ulong uaddr, out int oval)
    {
        oval = 0;
        Span<byte> word = stackalloc byte[4];
        if (cpu.Load(load, uaddr, word) != AccessResult.Ok)
        {
            return -Errno.EFAULT;
        }

        var old = BinaryPrimitives.ReadInt32LittleEndian(word);
        BinaryPrimitives.WriteInt32LittleEndian(word, op switch
        {
            FutexOp.Set => oparg,
            FutexOp.Add => old + oparg,
            FutexOp.Or => old | oparg,
            FutexOp.Andn => old & ~oparg,
            _ => old ^ oparg,
        });
        if (cpu.Store(store, uaddr, word) != AccessResult.Ok)
        {
            return -Errno.EFAULT;
        }

        oval = old;
        return 0;
    }
}
