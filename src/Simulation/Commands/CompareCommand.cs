using System.CommandLine;
using KernelModel.Simulation.Reports;
using KernelModel.Simulation.Scenarios;
using KernelModel.Simulation.Simulate;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel</c> with no arguments, the default job: every catalogue scenario under every profile, printed as the
/// outcome matrix (scenario x profile), then the headline per architecture: how many kernel-mode consumptions kill
/// the kernel before the patch and after it, with x86-64 as the yardstick. <c>--json</c> prints the matrix as JSON
/// (schema kmodel.matrix/1), <c>--report FILE.html</c> writes the page with its charts.
/// </summary>
public sealed class CompareCommand(ConsoleStreams console, ScenarioCatalog catalog, ScenarioObserver observer, TerminalInfo terminal) : IKmodelCommand
{
    /// <summary>The exit code of a run that Ctrl+C stopped (after writing what was done): 128 + SIGINT.</summary>
    public const int Interrupted = 130;

    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var seed = new Option<int>("--seed") { Description = "seed of every run", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "the matrix and headline as JSON (schema kmodel.matrix/1)" };
        var report = new Option<string?>("--report") { Description = "also write a self-contained HTML page with charts to this file" };
        root.Options.Add(seed);
        root.Options.Add(json);
        root.Options.Add(report);
        root.SetAction((parse, cancel) => Task.FromResult(Run(parse.GetValue(seed), parse.GetValue(json), parse.GetValue(report), cancel)));
    }

    /// <summary>Runs the job and writes its outputs; returns the exit code.</summary>
    public int Run(int seed, bool json, string? report, CancellationToken cancel)
    {
        var reportPath = report is null ? null : ReportFile.Validate(report);
        OutcomeMatrix matrix;
        using (var interrupt = Interrupt.Catch(cancel))
        using (var progress = new ProgressBar(console.Error, terminal.ErrorIsTerminal, "scenarios x profiles", catalog.All.Count * observer.Profiles.All.Count))
        {
            matrix = OutcomeMatrix.Run(catalog, observer, seed, interrupt.Token, progress);
        }

        if (json)
        {
            console.Out.WriteLine(OutcomeMatrixReport.ToJson(matrix));
        }
        else
        {
            OutcomeMatrixReport.WriteText(console.Out, matrix, terminal.Color);
        }

        if (reportPath is not null)
        {
            ReportFile.WriteAllText(reportPath, OutcomeMatrixReport.ToHtml(matrix).Render());
            if (!json)
            {
                console.Out.WriteLine();
                console.Out.WriteLine("report: " + reportPath);
            }
        }

        return matrix.Complete ? 0 : Interrupted;
    }
}
