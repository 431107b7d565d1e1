namespace KernelModel.Mm;

/// <summary>Whether the simulated machine is still up.</summary>
public enum MachineState
{
    /// <summary>Running.</summary>
    Running,

    /// <summary>Panicked: nothing runs any more.</summary>
    Panicked,
}
