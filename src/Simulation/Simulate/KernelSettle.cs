using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate;

/// <summary>
/// What the kernel does right after a path ran, before anyone looks: the memory_failure worker (a kworker, in the
/// machine's virtual time) drains the queue, and every task with task work or a pending signal returns to user
/// mode, where the work runs and the signals are acted on. Repeated while either made more work.
/// </summary>
public static class KernelSettle
{
    private const int MaxRounds = 8;

    /// <summary>Settles the machine; returns the queue entries the worker handled. Run it inside <see cref="Machine.Run{T}"/>.</summary>
    public static int Run(Machine machine)
    {
        var queue = MemoryFailureHandler.Of(machine)?.Queue;
        var total = 0;
        for (var round = 0; round < MaxRounds; round++)
        {
            var handled = queue?.RunPending() ?? 0;
            var tasks = machine.Tasks.UserTasks.Where(t => t.TaskWork.Count > 0 || t.Pending.Count > 0).ToArray();
            foreach (var task in tasks)
            {
                machine.ReturnToUser(task);
            }

            total += handled;
            if (handled == 0 && tasks.Length == 0)
            {
                break;
            }
        }

        return total;
    }
}
