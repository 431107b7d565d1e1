namespace KernelModel.Simulation.Reports;

/// <summary>How a table cell is emphasised on a colour terminal (and which CSS class it gets in HTML).</summary>
public enum Style
{
    /// <summary>Plain.</summary>
    None,

    /// <summary>Bold (headers, totals).</summary>
    Bold,

    /// <summary>Red: the kernel died.</summary>
    Bad,

    /// <summary>Yellow: a task was killed or a syscall failed.</summary>
    Warn,

    /// <summary>Green: recovered.</summary>
    Good,

    /// <summary>Dim: nothing happened or not applicable.</summary>
    Dim,
}
