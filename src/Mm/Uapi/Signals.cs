// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>Signal numbers and si_code values with the kernel's values (include/uapi/asm-generic/signal.h, siginfo.h).</summary>
[KernelSymbol("include/uapi/asm-generic/siginfo.h", "BUS_MCEERR_AR")]
public static class Signals
{
    public const int SIGBUS = 7;
    public const int SIGKILL = 9;
    public const int SIGSEGV = 11;

    /// <summary>SIGRTMIN (32, the kernel's): signals below it are standard signals, queued at most once.</summary>
    public const int SIGRTMIN = 32;

    /// <summary>si_code: sent by kill(2).</summary>
    public const int SI_USER = 0;

    /// <summary>si_code: sent by the kernel with no further detail (force_sig).</summary>
    public const int SI_KERNEL = 0x80;

    public const int BUS_ADRALN = 1;
    public const int BUS_ADRERR = 2;
    public const int BUS_OBJERR = 3;

    /// <summary>Hardware memory error consumed on a machine check: action required.</summary>
    public const int BUS_MCEERR_AR = 4;

    /// <summary>Hardware memory error detected in the process but not consumed: action optional.</summary>
    public const int BUS_MCEERR_AO = 5;

    public const int SEGV_MAPERR = 1;
    public const int SEGV_ACCERR = 2;

    /// <summary>The kernel's name of a signal number ("SIGBUS").</summary>
    public static string Name(int signo) => signo switch
    {
        SIGBUS => "SIGBUS",
        SIGKILL => "SIGKILL",
        SIGSEGV => "SIGSEGV",
        _ => "SIG" + signo.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The kernel's name of an si_code for the given signal ("BUS_MCEERR_AR").</summary>
    public static string CodeName(int signo, int code) => (signo, code) switch
    {
        (_, SI_USER) => "SI_USER",
        (_, SI_KERNEL) => "SI_KERNEL",
        (SIGBUS, BUS_ADRALN) => "BUS_ADRALN",
        (SIGBUS, BUS_ADRERR) => "BUS_ADRERR",
        (SIGBUS, BUS_OBJERR) => "BUS_OBJERR",
        (SIGBUS, BUS_MCEERR_AR) => "BUS_MCEERR_AR",
        (SIGBUS, BUS_MCEERR_AO) => "BUS_MCEERR_AO",
        (SIGSEGV, SEGV_MAPERR) => "SEGV_MAPERR",
        (SIGSEGV, SEGV_ACCERR) => "SEGV_ACCERR",
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
