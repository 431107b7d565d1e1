namespace KernelModel.Mm;

/// <summary>
/// A task's own loads and stores: the CPU runs in user mode through its memory port. An address that does not
/// translate raises the user page fault (the architecture's handler and handle_mm_fault), after which the task
/// returns to user mode (task work, signals) and the access is retried. A load of latent poison raises the
/// architecture's hardware-error trap; the access is not retried.
/// </summary>
public static class UserAccess
{
    /// <summary>A user-mode load (the task's own instruction).</summary>
    public static readonly CodeSite Load = new("user", "load", SiteAccess.Load);

    /// <summary>A user-mode store.</summary>
    public static readonly CodeSite Store = new("user", "store", SiteAccess.Store);

    /// <summary>Loads <c>buffer.Length</c> bytes from <paramref name="va"/> into <paramref name="buffer"/>.</summary>
    public static UserAccessResult Read(Machine machine, TaskStruct task, ulong va, byte[] buffer) => Access(machine, task, va, buffer, write: false);

    /// <summary>Stores <paramref name="data"/> at <paramref name="va"/>.</summary>
    public static UserAccessResult Write(Machine machine, TaskStruct task, ulong va, byte[] data) => Access(machine, task, va, data, write: true);

    private static UserAccessResult Access(Machine machine, TaskStruct task, ulong va, byte[] bytes, bool write)
    {
        var cpu = machine.CurrentCpu;
        var done = 0;
        while (done < bytes.Length)
        {
            if (!task.IsAlive)
            {
                return new UserAccessResult(UserAccessOutcome.TaskDead, va + (ulong)done, VmFault.None);
            }

            var address = va + (ulong)done;
            var chunk = (int)Math.Min((ulong)(bytes.Length - done), PhysicalMemory.PageSize - (address & (PhysicalMemory.PageSize - 1)));
            AccessResult result;
            using (cpu.Enter(task, CpuMode.User))
            {
                result = write ? cpu.Store(Store, address, bytes.AsSpan(done, chunk)) : cpu.Load(Load, address, bytes.AsSpan(done, chunk));
            }

            switch (result)
            {
                case AccessResult.Ok:
                    done += chunk;
                    break;
                case AccessResult.UserPageFault:
                    var fault = UserFault.DoUserAddrFault(machine, task, address, write);
                    machine.ReturnToUser(task);
                    if ((fault & VmFault.Oom) != 0)
                    {
                        return new UserAccessResult(UserAccessOutcome.OutOfMemory, address, fault);
                    }

                    if ((fault & Memory.VmFaultError) != 0)
                    {
                        return new UserAccessResult(UserAccessOutcome.Signalled, address, fault);
                    }

                    break;
                default:
                    machine.ReturnToUser(task);
                    return new UserAccessResult(UserAccessOutcome.Trapped, address, VmFault.None);
            }
        }

        return new UserAccessResult(UserAccessOutcome.Completed, va + (ulong)bytes.Length, VmFault.None);
    }
}
