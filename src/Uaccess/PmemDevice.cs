using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// A persistent-memory namespace as the pmem driver (drivers/nvdimm/pmem.c) presents it to DAX, modelled minimally:
/// a physically contiguous range (carved out of the machine's memory at boot and marked reserved, so the allocator
/// never hands it out; the kernel's pmem pages are ZONE_DEVICE, which the model does not have), its linear-map
/// address, and its badblocks list. Poison in it is latent like any other line until something reads it, or until an
/// address range scrub (<see cref="AddressRangeScrub"/>) reports it into badblocks.
/// </summary>
public sealed class PmemDevice
{
    private readonly Machine _machine;

    /// <summary>A device of <c>1 &lt;&lt; order</c> pages.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The order is negative or above 10.</exception>
    /// <exception cref="InvalidOperationException">The machine has no contiguous range of that size left.</exception>
    public PmemDevice(Machine machine, string name, int order)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, 10);
        _machine = machine;
        Name = name;
        var folio = machine.Allocator.AllocFolio(order) ?? throw new InvalidOperationException($"{name}: no contiguous {PhysicalMemory.PageSize << order} bytes left");
        folio.Set(PageFlags.Reserved);
        PhysAddr = folio.Head.PhysAddr;
        Size = folio.Size;
    }

    /// <summary>The block device name (pmem0).</summary>
    public string Name { get; }

    /// <summary>phys_addr: where the namespace starts in physical memory.</summary>
    public ulong PhysAddr { get; }

    /// <summary>size in bytes.</summary>
    public ulong Size { get; }

    /// <summary>virt_addr: the kernel's mapping of the namespace.</summary>
    public ulong VirtAddr => _machine.PhysToVirt(PhysAddr);

    /// <summary>bb: the known-bad sectors.</summary>
    public Badblocks Badblocks { get; } = new();

    /// <summary>
    /// A DAX file of <paramref name="size"/> bytes at page-aligned device offset <paramref name="offset"/> (an
    /// ext4/xfs file mounted with -o dax whose blocks are one extent there).
    /// </summary>
    /// <exception cref="ArgumentException">The extent is not page-aligned or does not fit the device.</exception>
    public Inode CreateFile(string name, ulong offset, ulong size)
    {
        if ((offset & (PhysicalMemory.PageSize - 1)) != 0 || offset > Size || size > Size - offset)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: a {size}-byte extent at offset {offset} does not fit the {Size}-byte device page-aligned"));
        }

        var inode = _machine.Filemap.CreateFile(name, InodeKind.Dax, size);
        inode.Private = new DaxExtent(this, offset);
        return inode;
    }

    /// <summary>
    /// pmem_dax_direct_access() / __pmem_direct_access() for DAX_ACCESS: the kernel address of page
    /// <paramref name="pgoff"/>, and how many pages from there may be accessed: -EHWPOISON when a bad sector lies
    /// in the <paramref name="nrPages"/> requested (before v6.5: -EIO); else the request when badblocks holds
    /// anything, or the rest of the device.
    /// </summary>
    [KernelSymbol("drivers/nvdimm/pmem.c", "__pmem_direct_access")]
    public long DirectAccess(ulong pgoff, long nrPages, out ulong kaddr)
    {
        var offset = pgoff << PhysicalMemory.PageShift;
        kaddr = VirtAddr + offset;
        var sector = offset >> Badblocks.SectorShift;
        var num = (ulong)nrPages << (PhysicalMemory.PageShift - Badblocks.SectorShift);
        if (Badblocks.Count > 0 && Badblocks.Check(sector, num))
        {
            return -Errno.EHWPOISON;
        }

        return Badblocks.Count > 0 ? nrPages : (long)((Size - offset) >> PhysicalMemory.PageShift);
    }

    /// <summary>
    /// An address range scrub (ACPI ARS, as nvdimm_badblocks_populate() reads its results): every poisoned line in
    /// the namespace puts the sectors it covers into badblocks. Returns how many lines it reported.
    /// </summary>
    [KernelSymbol("drivers/nvdimm/badrange.c", "nvdimm_badblocks_populate")]
    public int AddressRangeScrub()
    {
        var lines = _machine.Memory.PoisonedLineAddresses().Where(pa => pa >= PhysAddr && pa < PhysAddr + Size).ToArray();
        foreach (var pa in lines)
        {
            var first = (pa - PhysAddr) >> Badblocks.SectorShift;
            var last = (pa - PhysAddr + PhysicalMemory.LineSize - 1) >> Badblocks.SectorShift;
            Badblocks.Set(first, last - first + 1);
        }

        return lines.Length;
    }
}
