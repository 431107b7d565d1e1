using System.Runtime.InteropServices;

namespace KernelModel.Simulation;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM while a long command runs: instead of ending the process, they cancel the run, which
/// stops at the next machine or tick and writes what is done (exit code 130). Registered only for the command's
/// duration.
/// </summary>
internal sealed class Interrupt : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly PosixSignalRegistration[] _registrations;

    private Interrupt(CancellationToken outer)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop)];
    }

    /// <summary>Cancelled by a signal or by <c>outer</c>.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Starts catching the signals.</summary>
    public static Interrupt Catch(CancellationToken outer) => new(outer);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var r in _registrations)
        {
            r.Dispose();
        }

        _source.Dispose();
    }

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        _source.Cancel();
    }
}
