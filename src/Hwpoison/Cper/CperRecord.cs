namespace KernelModel.Hwpoison;

/// <summary>A decoded GHES error status block: its header, its entries in order, and the bytes it was read from.</summary>
/// <param name="Status">The header.</param>
/// <param name="Sections">The generic error data entries.</param>
/// <param name="Bytes">The block's bytes (cper_estatus_len of them).</param>
public sealed record CperRecord(AcpiHestGenericStatus Status, IReadOnlyList<CperSection> Sections, byte[] Bytes);
