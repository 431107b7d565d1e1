namespace KernelModel.Hwpoison;

/// <summary>What GHES did with an error status block.</summary>
/// <param name="Claimed">Whether a record was read and processed (false: nothing recorded, or rejected).</param>
/// <param name="Record">The decoded record, when it was well formed.</param>
/// <param name="Rejection">Why the record was rejected (malformed or truncated), else null; nothing was changed.</param>
/// <param name="Queued">Whether memory-failure work was queued (task work or memory_failure_queue).</param>
/// <param name="Sigbus">Whether current was sent SIGBUS for a synchronous error nothing could handle.</param>
public sealed record GhesResult(bool Claimed, CperRecord? Record, string? Rejection, bool Queued, bool Sigbus);
