namespace KernelModel.Arch.X86;

/// <summary>The registers a string instruction works on: rdi (destination), rsi (source), rcx (count).</summary>
/// <param name="Rdi">Destination cursor.</param>
/// <param name="Rsi">Source cursor.</param>
/// <param name="Rcx">Elements left.</param>
internal record struct StringRegisters(ulong Rdi, ulong Rsi, ulong Rcx);
