using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// prctl(PR_MCE_KILL) and prctl(PR_MCE_KILL_GET) (kernel/sys.c): a thread's own early/late kill policy, kept in
/// PF_MCE_PROCESS and PF_MCE_EARLY and inherited by the threads and children it creates afterwards.
/// </summary>
public static class PrctlMceKill
{
    /// <summary>PR_MCE_KILL (33).</summary>
    public const int PrMceKill = 33;

    /// <summary>PR_MCE_KILL_GET (34).</summary>
    public const int PrMceKillGet = 34;

    /// <summary>PR_MCE_KILL_CLEAR (0): follow vm.memory_failure_early_kill again.</summary>
    public const ulong PrMceKillClear = 0;

    /// <summary>PR_MCE_KILL_SET (1).</summary>
    public const ulong PrMceKillSet = 1;

    /// <summary>PR_MCE_KILL_LATE (0).</summary>
    public const ulong PrMceKillLate = 0;

    /// <summary>PR_MCE_KILL_EARLY (1).</summary>
    public const ulong PrMceKillEarly = 1;

    /// <summary>PR_MCE_KILL_DEFAULT (2).</summary>
    public const ulong PrMceKillDefault = 2;

    /// <summary>prctl(option, arg2, arg3, arg4, arg5) for the two options: the result, or -EINVAL.</summary>
    [KernelSymbol("kernel/sys.c", "prctl")]
    public static long Prctl(TaskStruct current, int option, ulong arg2, ulong arg3 = 0, ulong arg4 = 0, ulong arg5 = 0)
    {
        switch (option)
        {
            case PrMceKill:
                if ((arg4 | arg5) != 0)
                {
                    return -Errno.EINVAL;
                }

                switch (arg2)
                {
                    case PrMceKillClear:
                        if (arg3 != 0)
                        {
                            return -Errno.EINVAL;
                        }

                        current.Flags &= ~TaskFlags.MceProcess;
                        return 0;
                    case PrMceKillSet:
                        // The kernel sets PF_MCE_PROCESS before it validates arg3, so a bad arg3 leaves it set.
                        current.Flags |= TaskFlags.MceProcess;
                        switch (arg3)
                        {
                            case PrMceKillEarly:
                                current.Flags |= TaskFlags.MceEarly;
                                return 0;
                            case PrMceKillLate:
                                current.Flags &= ~TaskFlags.MceEarly;
                                return 0;
                            case PrMceKillDefault:
                                current.Flags &= ~(TaskFlags.MceEarly | TaskFlags.MceProcess);
                                return 0;
                            default:
                                return -Errno.EINVAL;
                        }

                    default:
                        return -Errno.EINVAL;
                }

            case PrMceKillGet:
                if ((arg2 | arg3 | arg4 | arg5) != 0)
                {
                    return -Errno.EINVAL;
                }

                return (current.Flags & TaskFlags.MceProcess) == 0 ? (long)PrMceKillDefault
                    : (current.Flags & TaskFlags.MceEarly) != 0 ? (long)PrMceKillEarly : (long)PrMceKillLate;
            default:
                return -Errno.EINVAL;
        }
    }
}
