namespace KernelModel.Simulation.Litmus;

/// <summary>
/// What one step showed, in the canonical field order: ret (the syscall's return, -1 on failure, '-' for the task's
/// own loads and stores), errno (name or 0), sig (the signals its handler caught during the step, or none), data
/// (the byte a whole page read back, 'mixed', or '-'), map (pagemap: none, swap, new, same, changed) and exit (alive
/// or killed:SIGNAL).
/// </summary>
/// <param name="Ret">ret.</param>
/// <param name="Errno">errno.</param>
/// <param name="Sig">sig.</param>
/// <param name="Data">data.</param>
/// <param name="Map">map.</param>
/// <param name="Exit">exit.</param>
public sealed record StepObservation(string Ret, string Errno, string Sig, string Data, string Map, string Exit)
{
    /// <summary>The field of that name.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="LitmusParser.Fields"/>.</exception>
    public string Field(string name) => name switch
    {
        "ret" => Ret,
        "errno" => Errno,
        "sig" => Sig,
        "data" => Data,
        "map" => Map,
        "exit" => Exit,
        _ => throw new ArgumentException($"unknown field '{name}': valid are {string.Join(", ", LitmusParser.Fields)}"),
    };

    /// <summary>The canonical text after "=>".</summary>
    public override string ToString() => $"ret={Ret} errno={Errno} sig={Sig} data={Data} map={Map} exit={Exit}";
}
