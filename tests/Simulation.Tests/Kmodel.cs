using KernelModel.Testing;

namespace KernelModel.Simulation.Tests;

/// <summary>Runs kmodel in-process with captured output.</summary>
public static class Kmodel
{
    public static KmodelResult Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = KmodelHost.Run(args, stdout, stderr);
        return new KmodelResult(code, stdout.ToString(), stderr.ToString());
    }
}
