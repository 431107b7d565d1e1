using System.Buffers.Binary;

namespace KernelModel.Arch.RiscV;

/// <summary>
/// The register side of the loads and stores the RISC-V copy routines make: lb / lw / REG_L sign-extend the
/// loaded value to XLEN, sb / sw / REG_S store the register's low bytes. Both return false when the access
/// trapped and the trap took the exception-table fixup.
/// </summary>
internal static class RiscVRegisterAccess
{
    /// <summary>A load of 1, 4 or 8 bytes into a register of <paramref name="xlenMask"/> width.</summary>
    public static bool Load(Cpu cpu, CodeSite site, ulong address, int size, ulong xlenMask, out ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        if (cpu.Load(site, address, bytes[..size]) != AccessResult.Ok)
        {
            value = 0;
            return false;
        }

        value = size switch
        {
            1 => (ulong)(sbyte)bytes[0],
            4 => (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        } & xlenMask;
        return true;
    }

    /// <summary>A store of the register's low <paramref name="size"/> bytes.</summary>
    public static bool Store(Cpu cpu, CodeSite site, ulong address, int size, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return cpu.Store(site, address, bytes[..size]) == AccessResult.Ok;
    }
}
