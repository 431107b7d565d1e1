using System.CommandLine;
using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel extable --profile P [--json]</c>: a profile's exception table as data, one row per entry in the
/// architecture's order: the routine and the site, load or store, the entry type (kernel name and value), the
/// fixup, and whether a hardware error there in kernel mode is recovered (the architecture's trap decides:
/// <see cref="IArchTrap.IsRecoverable"/>).
/// </summary>
public sealed class ExtableCommand(ConsoleStreams console, ProfileCatalog profiles) : IKmodelCommand
{
    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var profile = new Option<string>("--profile") { Description = "architecture profile (see the error for the list)", Required = true };
        var json = new Option<bool>("--json") { Description = "one JSON array of {routine, site, access, type, type_value, fixup, recoverable}" };
        var command = new Command("extable", "list every exception-table entry of a profile's copy routines") { profile, json };
        command.SetAction(parse =>
        {
            Write(parse.GetValue(profile)!, parse.GetValue(json));
            return 0;
        });
        root.Subcommands.Add(command);
    }

    /// <summary>The rows of <paramref name="profile"/>'s table, with the trap's verdict on each.</summary>
    /// <exception cref="ArgumentException">Unknown profile; the message lists the valid ones.</exception>
    public IReadOnlyList<(ExtableEntry Entry, bool Recoverable)> Rows(string profile)
    {
        var arch = profiles.Boot(profile, CopyCommand.MachineConfig).Arch;
        return arch.Extable.Entries.Select(e => (e, arch.Trap.IsRecoverable(e))).ToArray();
    }

    private static string Access(SiteAccess access) => access == SiteAccess.Load ? "load" : "store";

    private void Write(string profile, bool json)
    {
        var rows = Rows(profile);
        if (json)
        {
            console.Out.WriteLine(JsonText.Of(w =>
            {
                w.WriteStartArray();
                foreach (var (e, recoverable) in rows)
                {
                    w.WriteStartObject();
                    w.WriteString("routine", e.Site.Routine);
                    w.WriteString("site", e.Site.Label);
                    w.WriteString("access", Access(e.Site.Access));
                    w.WriteString("type", e.Type);
                    w.WriteNumber("type_value", e.TypeValue);
                    w.WriteString("fixup", e.Fixup);
                    w.WriteBoolean("recoverable", recoverable);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }));
            return;
        }

        var o = console.Out;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{profile}: {rows.Count} exception-table {(rows.Count == 1 ? "entry" : "entries")}"));
        if (rows.Count == 0)
        {
            return;
        }

        string[] header = ["routine", "site", "access", "type", "fixup", "recoverable"];
        var cells = rows.Select(r => new[]
        {
            r.Entry.Site.Routine, r.Entry.Site.Label, Access(r.Entry.Site.Access),
            string.Create(CultureInfo.InvariantCulture, $"{r.Entry.Type} ({r.Entry.TypeValue})"), r.Entry.Fixup, r.Recoverable ? "yes" : "no",
        }).Prepend(header).ToArray();
        var widths = Enumerable.Range(0, header.Length).Select(i => cells.Max(c => c[i].Length)).ToArray();
        foreach (var c in cells)
        {
            o.WriteLine(string.Join("  ", c.Select((cell, i) => i == c.Length - 1 ? cell : cell.PadRight(widths[i]))));
        }
    }
}
