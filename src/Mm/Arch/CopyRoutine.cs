namespace KernelModel.Mm;

/// <summary>What a copy routine's return value means.</summary>
public enum CopyReturnKind
{
    /// <summary>0, or a count of bytes not copied (copy_mc_to_kernel, copy_mc_to_user).</summary>
    BytesNotCopied,

    /// <summary>0, or a negative errno (arm64 copy_mc_page: -EFAULT).</summary>
    Errno,

    /// <summary>Nothing meaningful (memcpy returns dst; the model reports 0).</summary>
    None,
}

/// <summary>
/// A named copy routine of an architecture, as <c>kmodel copy --routine</c> and the contract suite call it.
/// </summary>
/// <param name="Name">Kernel name: copy_mc_to_kernel, copy_mc_to_user, copy_mc_page or memcpy.</param>
/// <param name="UserDestination">Whether the destination is a user address.</param>
/// <param name="PageOnly">Whether it copies exactly one page between page-aligned buffers.</param>
/// <param name="ReturnKind">What its return value means.</param>
/// <param name="RecoversPoison">Whether consuming poison in the source returns (true) or kills the kernel (false) on this profile.</param>
/// <param name="Invoke">Runs it on the machine's current CPU: (dst, src, len) to the return value.</param>
public sealed record CopyRoutine(string Name, bool UserDestination, bool PageOnly, CopyReturnKind ReturnKind, bool RecoversPoison,
    Func<ulong, ulong, ulong, long> Invoke);

/// <summary>The routines every architecture exposes.</summary>
public static class CopyRoutines
{
    /// <summary>copy_mc_to_kernel, copy_mc_to_user and memcpy of an architecture.</summary>
    public static IEnumerable<CopyRoutine> Standard(IArchCopyMc copy, Action<ulong, ulong, ulong> memcpy, bool userRecovers) =>
    [
        new("copy_mc_to_kernel", false, false, CopyReturnKind.BytesNotCopied, copy.HasArchCopyMc, (d, s, n) => (long)copy.CopyMcToKernel(d, s, n)),
        new("copy_mc_to_user", true, false, CopyReturnKind.BytesNotCopied, userRecovers, (d, s, n) => (long)copy.CopyMcToUser(d, s, n)),
        new("memcpy", false, false, CopyReturnKind.None, false, (d, s, n) =>
        {
            memcpy(d, s, n);
            return 0;
        }),
    ];
}
