namespace KernelModel.Mm;

/// <summary>The privilege a CPU runs at when it touches memory.</summary>
public enum CpuMode
{
    /// <summary>User mode (EL0, U-mode, CPL 3).</summary>
    User,

    /// <summary>Kernel mode (EL1, S-mode, CPL 0).</summary>
    Kernel,
}
