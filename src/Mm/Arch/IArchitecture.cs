namespace KernelModel.Mm;

/// <summary>
/// One architecture profile as the machine sees it: its copy routines, its trap handlers and its exception
/// table, and where its kernel linear map and user space lie.
/// </summary>
public interface IArchitecture
{
    /// <summary>The profile name users pick (e.g. <c>riscv64</c>, <c>arm64-upstream</c>).</summary>
    string Name { get; }

    /// <summary>The copy_mc routines.</summary>
    IArchCopyMc CopyMc { get; }

    /// <summary>The trap handlers.</summary>
    IArchTrap Trap { get; }

    /// <summary>The user-access routines (copy_{from,to}_user, get_user/put_user, the futex atomics).</summary>
    IArchUaccess Uaccess { get; }

    /// <summary>Every exception-table entry of the modelled routines.</summary>
    ExceptionTable Extable { get; }

    /// <summary>The copy routines <c>kmodel copy</c> and the contract suite can run, by kernel name.</summary>
    IReadOnlyList<CopyRoutine> CopyRoutines { get; }

    /// <summary>PAGE_OFFSET: kernel virtual address of physical address 0 in the linear map.</summary>
    ulong PageOffset { get; }

    /// <summary>TASK_SIZE: user addresses lie below it.</summary>
    ulong TaskSize { get; }
}
