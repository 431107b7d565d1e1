using System.Globalization;

namespace KernelModel.Mm;

/// <summary>
/// The siginfo fields a memory-error signal carries (include/uapi/asm-generic/siginfo.h): si_signo, si_code,
/// si_addr and si_addr_lsb (log2 of the poisoned extent: 12 for a page, 21 or 30 for huge pages).
/// </summary>
/// <param name="Signo">Signal number.</param>
/// <param name="Code">si_code.</param>
/// <param name="Addr">si_addr (0 when the signal carries no address).</param>
/// <param name="AddrLsb">si_addr_lsb (0 when not a memory-error signal).</param>
public sealed record SigInfo(int Signo, int Code, ulong Addr = 0, int AddrLsb = 0)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Signals.Name(Signo)} {Signals.CodeName(Signo, Code)} addr={Printf.HashLx(Addr)} lsb={AddrLsb}");
}
