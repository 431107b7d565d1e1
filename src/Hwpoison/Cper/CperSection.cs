namespace KernelModel.Hwpoison;

/// <summary>One generic error data entry of a GHES error status block: its header and its decoded section.</summary>
/// <param name="Header">The entry's header.</param>
public abstract record CperSection(AcpiHestGenericData Header);

/// <summary>A CPER_SEC_PLATFORM_MEM entry.</summary>
/// <param name="Header">The entry's header.</param>
/// <param name="MemErr">The memory error section.</param>
public sealed record CperMemorySection(AcpiHestGenericData Header, CperSecMemErr MemErr) : CperSection(Header);

/// <summary>An entry of another section type, kept as bytes.</summary>
/// <param name="Header">The entry's header.</param>
/// <param name="Payload">The section's bytes.</param>
public sealed record CperOtherSection(AcpiHestGenericData Header, byte[] Payload) : CperSection(Header);
