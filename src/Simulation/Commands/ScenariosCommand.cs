using System.CommandLine;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation;

/// <summary><c>kmodel scenarios [--json]</c>: the scenario catalogue, one line each.</summary>
public sealed class ScenariosCommand(ConsoleStreams console, ScenarioCatalog catalog) : IKmodelCommand
{
    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var json = new Option<bool>("--json") { Description = "a JSON array of {id, summary}" };
        var command = new Command("scenarios", "list the scenario catalogue") { json };
        command.SetAction(parse =>
        {
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(JsonText.Of(w =>
                {
                    w.WriteStartArray();
                    foreach (var s in catalog.All)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", s.Id);
                        w.WriteString("summary", s.Summary);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }));
                return 0;
            }

            var width = catalog.All.Max(s => s.Id.Length);
            foreach (var s in catalog.All)
            {
                console.Out.WriteLine($"{s.Id.PadRight(width)}  {s.Summary}");
            }

            return 0;
        });
        root.Subcommands.Add(command);
    }
}
