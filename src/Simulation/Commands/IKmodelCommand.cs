using System.CommandLine;

namespace KernelModel.Simulation;

/// <summary>
/// One kmodel sub-command (or the root's default action). Every class implementing this in the assembly is
/// registered with DI and attached to the root command, so a new command is one new file.
/// </summary>
public interface IKmodelCommand
{
    /// <summary>Adds the command (or the default action) to the root.</summary>
    void Attach(RootCommand root);
}
