using System.CommandLine;
using System.Reflection;
using KernelModel.Mm;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel symbols [--json]</c>: every modelled kernel function and table with its kernel file and symbol,
/// and where it lives in the model, read from the <see cref="KernelSymbolAttribute"/> each one carries.
/// </summary>
public sealed class SymbolsCommand(ConsoleStreams console) : IKmodelCommand
{
    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var json = new Option<bool>("--json") { Description = "one JSON array of {file, symbol, model}" };
        var command = new Command("symbols", "list every modelled kernel function with its kernel file and symbol") { json };
        command.SetAction(parse =>
        {
            Write(Collect(), parse.GetValue(json));
            return 0;
        });
        root.Subcommands.Add(command);
    }

    /// <summary>Every (file, symbol, model member) of the model's assemblies, sorted by file then symbol.</summary>
    public static IReadOnlyList<(string File, string Symbol, string Model)> Collect()
    {
        var assemblies = ModelAssemblies();
        var rows = new List<(string, string, string)>();
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            foreach (var a in type.GetCustomAttributes<KernelSymbolAttribute>())
            {
                rows.Add((a.File, a.Symbol, type.FullName!));
            }

            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(all))
            {
                foreach (var a in member.GetCustomAttributes<KernelSymbolAttribute>())
                {
                    rows.Add((a.File, a.Symbol, $"{type.FullName}.{member.Name}"));
                }
            }
        }

        return rows.Distinct().OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2, StringComparer.Ordinal)
            .ThenBy(r => r.Item3, StringComparer.Ordinal).ToArray();
    }

    private static IEnumerable<Assembly> ModelAssemblies()
    {
        var self = typeof(SymbolsCommand).Assembly;
        return self.GetReferencedAssemblies()
            .Where(n => n.Name!.StartsWith("KernelModel.", StringComparison.Ordinal))
            .Select(Assembly.Load)
            .Append(self)
            .OrderBy(a => a.GetName().Name, StringComparer.Ordinal);
    }

    private void Write(IReadOnlyList<(string File, string Symbol, string Model)> rows, bool json)
    {
        if (json)
        {
            console.Out.WriteLine(JsonText.Of(w =>
            {
                w.WriteStartArray();
                foreach (var r in rows)
                {
                    w.WriteStartObject();
                    w.WriteString("file", r.File);
                    w.WriteString("symbol", r.Symbol);
                    w.WriteString("model", r.Model);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }));
            return;
        }

        var fileWidth = rows.Max(r => r.File.Length);
        var symbolWidth = rows.Max(r => r.Symbol.Length);
        foreach (var r in rows)
        {
            console.Out.WriteLine($"{r.File.PadRight(fileWidth)}  {r.Symbol.PadRight(symbolWidth)}  {r.Model}");
        }
    }
}
