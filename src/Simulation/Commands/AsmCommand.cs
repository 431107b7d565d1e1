using KernelModel.Arch.RiscV;
using System.CommandLine;
using System.Text;
using System.Text.Json;
using KernelModel.Arch.RiscV.Asm;
using KernelModel.Mm;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel asm check --patch FILE [--xlen 64|32] [--routine NAME] [--grid full|stratified|smoke] [--json]</c>: reads a
/// patch as mailed, assembles the RISC-V routine it adds (default __memcpy_mc) for each XLEN, executes it as
/// copy_mc_to_kernel over the copy_mc contract grid under the poison model, and reports what its assembled exception
/// table covers, the contract, the return value's precision per phase, a fault on the destination, and every case where
/// it differs from the reference profile's C# backend (<c>riscv64</c> / <c>riscv32</c>). Exit code 0 when the contract
/// held and the reference was compared with no difference for every XLEN, 1 otherwise, 2 for bad input (a malformed
/// patch, an unsupported instruction or directive, a missing include: the message names file and line).
/// </summary>
/// <param name="console">Where to write.</param>
/// <param name="profiles">Where the reference profiles are looked up by name.</param>
/// <param name="riscvTrap">
/// The RISC-V trap the executed routine runs under, built over the assembled exception table; by default the
/// RISC-V backend's <see cref="RiscVTrap"/> (any entry is fixed up, otherwise die), exactly as the riscv profiles use it.
/// </param>
public sealed class AsmCommand(ConsoleStreams console, ProfileCatalog profiles, Func<Machine, ExceptionTable, IArchTrap>? riscvTrap = null) : IKmodelCommand
{
    private readonly Func<Machine, ExceptionTable, IArchTrap> _trap = riscvTrap ?? ((m, table) => new RiscVTrap(m, table));

    private const int ListedSites = 40;

    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var patch = new Option<string>("--patch") { Description = "the patch: a mail or a unified diff", Required = true };
        var xlen = new Option<int?>("--xlen") { Description = "64 or 32 (default: both)" };
        var routine = new Option<string>("--routine") { Description = "the routine to run as copy_mc_to_kernel", DefaultValueFactory = _ => PatchAssembler.DefaultRoutine };
        var grid = new Option<string>("--grid") { Description = "full (the whole contract grid, 1.3 million cases per XLEN: minutes), stratified (~105,000) or smoke (856)", DefaultValueFactory = _ => "full" };
        var json = new Option<bool>("--json") { Description = "one JSON object" };
        var check = new Command("check", "assemble the patch's routine, run it over the copy_mc contract grid and compare it with the reference profile")
        {
            patch, xlen, routine, grid, json,
        };
        check.SetAction(parse => Check(parse.GetValue(patch)!, Xlens(parse.GetValue(xlen)), parse.GetValue(routine)!, Grid(parse.GetValue(grid)!), parse.GetValue(json)));
        root.Subcommands.Add(new Command("asm", "run a patch's own RISC-V assembly under the poison model") { check });
    }

    /// <summary>The XLENs to check: the one given, or both.</summary>
    /// <exception cref="ArgumentException">Not 64 or 32.</exception>
    public static IReadOnlyList<int> Xlens(int? xlen) => xlen switch
    {
        null => [64, 32],
        64 or 32 => [xlen.Value],
        _ => throw new ArgumentException($"invalid --xlen {xlen}: valid values are 64 and 32"),
    };

    /// <summary>The grid named on the command line.</summary>
    /// <exception cref="ArgumentException">Not full, stratified or smoke.</exception>
    public static AsmGrid Grid(string name) => name switch
    {
        "full" => AsmGrid.Full,
        "stratified" => AsmGrid.Stratified,
        "smoke" => AsmGrid.Smoke,
        _ => throw new ArgumentException($"invalid --grid '{name}': valid values are full, stratified and smoke"),
    };

    /// <summary>The reference profile for an XLEN.</summary>
    public static string ReferenceProfile(int xlen) => xlen == 64 ? "riscv64" : "riscv32";

    /// <summary>Runs the check; returns the exit code.</summary>
    /// <exception cref="ArgumentException">Bad input: the patch cannot be read, preprocessed or assembled, or has no such routine.</exception>
    public int Check(string patchPath, IReadOnlyList<int> xlens, string routineName, AsmGrid grid, bool json)
    {
        var patch = PatchReader.ReadFile(patchPath);
        var routines = xlens.Select(x => PatchAssembler.Assemble(patch, AsmTarget.ForXlen(x), routineName)).ToArray();
        var reports = routines.Select(r => Run(r, _trap, grid)).ToArray();
        if (json)
        {
            WriteJson(patchPath, patch, grid, reports);
        }
        else
        {
            WriteText(patchPath, patch, grid, reports);
        }

        return reports.All(r => r.Passed) ? 0 : 1;
    }

    private XlenReport Run(AsmRoutine routine, Func<Machine, ExceptionTable, IArchTrap> trap, AsmGrid grid)
    {
        var xlen = routine.Program.Target.Xlen;
        var referenceName = ReferenceProfile(xlen);
        var registered = profiles.All.Any(p => p.Name == referenceName);
        Func<Machine>? reference = registered ? () => profiles.Boot(referenceName, AsmCheck.Config) : null;
        var check = new AsmCheck(routine, trap);
        var result = check.Run(AsmGrids.Cases(grid), reference);
        return new XlenReport(routine, result, check.DestinationFault(), referenceName, registered);
    }

    private void WriteText(string path, Patch patch, AsmGrid grid, IReadOnlyList<XlenReport> reports)
    {
        var o = new StringBuilder();
        o.AppendLine($"kmodel asm check: {patch.Subject ?? "(plain diff)"}");
        o.AppendLine($"patch {path}:");
        foreach (var f in patch.Files)
        {
            o.AppendLine($"  {f.Path,-36} {FileSummary(f)}");
        }

        o.AppendLine($"grid: {grid.ToString().ToLowerInvariant()}");
        foreach (var r in reports)
        {
            var routine = r.Routine;
            var result = r.Result;
            o.AppendLine();
            o.AppendLine($"RV{routine.Program.Target.Xlen}: {routine.Name}{(routine.Aliases.Count > 0 ? $" (aliases {string.Join(", ", routine.Aliases)})" : string.Empty)}, {routine.Body.Count} instructions, defined at {routine.Location}");
            foreach (var note in routine.Program.Notes)
            {
                o.AppendLine($"  note: {note}");
            }

            var entries = routine.Extable.ToArray();
            o.AppendLine($"  exception table: {entries.Length} entries");
            foreach (var g in entries.GroupBy(e => (e.TypeName, e.TypeValue, e.FixupDescription)))
            {
                o.AppendLine($"    {g.Count()} x {g.Key.TypeName} ({g.Key.TypeValue}) -> {g.Key.FixupDescription}");
            }

            Sites(o, "loads", routine.Loads, routine);
            Sites(o, "stores", routine.Stores, routine);
            o.AppendLine($"  destination fault: {r.DestinationFault}");
            o.AppendLine(result.ViolationCount == 0
                ? $"  contract over {result.Cases} cases ({result.PoisonedCases} with poison in the source): held in every case"
                : $"  contract over {result.Cases} cases ({result.PoisonedCases} with poison in the source): {result.ViolationCount} violations");
            foreach (var v in result.Violations)
            {
                o.AppendLine($"    {v}");
            }

            o.AppendLine($"  loads and stores not naturally aligned: {result.MisalignedAccesses}{(result.MisalignedAccesses == 0 ? " (so none straddles a 64-byte line)" : string.Empty)}");
            o.AppendLine("  return value precision per phase (returned - bytes not stored):");
            foreach (var p in result.Precision)
            {
                o.AppendLine($"    {p.Phase,-16} {Precision(p)}");
            }

            o.AppendLine(r.Registered
                ? $"  cross-check against {r.Reference}: {result.Compared} cases, {result.DifferenceCount} differences"
                : $"  cross-check: not run: profile '{r.Reference}' is not registered (registered: {string.Join(", ", profiles.All.Select(p => p.Name))})");
            foreach (var d in result.Differences)
            {
                o.AppendLine($"    {d}");
            }
        }

        o.AppendLine();
        o.AppendLine(reports.All(r => r.Passed) ? "result: pass" : "result: FAIL");
        console.Out.Write(o.ToString());
    }

    private static void Sites(StringBuilder o, string kind, IEnumerable<AsmInstruction> sites, AsmRoutine routine)
    {
        var all = sites.ToArray();
        var covered = all.Where(i => routine.EntryFor(i) is not null).ToArray();
        o.AppendLine($"  {kind} with an entry: {covered.Length} of {all.Length}");
        foreach (var i in covered.Take(ListedSites))
        {
            o.AppendLine($"    {i}");
        }

        foreach (var i in all.Except(covered).Take(ListedSites))
        {
            o.AppendLine($"    no entry: {i}");
        }
    }

    private static string Precision(PhasePrecision p)
    {
        var first = $"{p.Faults} faults; first access: {p.FirstAccessExact} of {p.FirstAccessFaults} exact";
        var later = p.LaterFaults == 0 ? "no later faults" : $"later: {p.LaterExact} of {p.LaterFaults} exact";
        var over = p.MaxOverEstimate > 0 ? $", over by up to {p.MaxOverEstimate} ({p.MaxCase})" : string.Empty;
        var invariant = p.OverIsStoredInPhase == p.Faults
            ? "; always over by exactly the bytes the phase had stored"
            : $"; over by the bytes the phase had stored in {p.OverIsStoredInPhase} of {p.Faults}";
        var under = p.UnderEstimates > 0 ? $"; UNDER-estimates in {p.UnderEstimates}" : string.Empty;
        return first + "; " + later + over + invariant + under;
    }

    private static string FileSummary(PatchFile f)
    {
        if (f.Kind == PatchFileKind.Deleted)
        {
            return "deleted";
        }

        var text = f.Result();
        return f.Kind == PatchFileKind.Added
            ? $"new, {text.Lines.Count} lines"
            : $"changed: lines {string.Join(", ", text.Gaps)} not in the patch";
    }

    private void WriteJson(string path, Patch patch, AsmGrid grid, IReadOnlyList<XlenReport> reports)
    {
        console.Out.WriteLine(JsonText.Of(w =>
        {
            w.WriteStartObject();
            w.WriteString("patch", path);
            w.WriteString("subject", patch.Subject);
            w.WriteStartArray("files");
            foreach (var f in patch.Files)
            {
                w.WriteStartObject();
                w.WriteString("path", f.Path);
                w.WriteString("kind", f.Kind.ToString().ToLowerInvariant());
                if (f.Kind != PatchFileKind.Deleted)
                {
                    var text = f.Result();
                    w.WriteNumber("lines", text.Lines.Count);
                    WriteStrings(w, "gaps", text.Gaps);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("grid", grid.ToString().ToLowerInvariant());
            w.WriteStartArray("xlens");
            foreach (var r in reports)
            {
                WriteXlen(w, r);
            }

            w.WriteEndArray();
            w.WriteBoolean("passed", reports.All(r => r.Passed));
            w.WriteEndObject();
        }));
    }

    private static void WriteXlen(Utf8JsonWriter w, XlenReport r)
    {
        var routine = r.Routine;
        var result = r.Result;
        w.WriteStartObject();
        w.WriteNumber("xlen", routine.Program.Target.Xlen);
        w.WriteString("routine", routine.Name);
        WriteStrings(w, "aliases", routine.Aliases);
        w.WriteNumber("instructions", routine.Body.Count);
        WriteStrings(w, "notes", routine.Program.Notes);
        w.WriteStartArray("extable");
        foreach (var e in routine.Extable)
        {
            w.WriteStartObject();
            w.WriteString("site", e.Instruction.ToString());
            w.WriteString("access", e.Instruction.IsLoad ? "load" : e.Instruction.IsStore ? "store" : "other");
            w.WriteString("type", e.TypeName);
            w.WriteNumber("typeValue", e.TypeValue);
            w.WriteString("fixup", e.FixupDescription);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteStrings(w, "loadsWithoutEntry", routine.Loads.Where(i => routine.EntryFor(i) is null).Select(i => i.ToString()).ToArray());
        WriteStrings(w, "storesWithoutEntry", routine.Stores.Where(i => routine.EntryFor(i) is null).Select(i => i.ToString()).ToArray());
        w.WriteStartObject("destinationFault");
        w.WriteNumber("length", r.DestinationFault.Length);
        if (r.DestinationFault.Returned is { } returned)
        {
            w.WriteNumber("returned", returned);
        }
        else
        {
            w.WriteNull("returned");
        }

        w.WriteString("death", r.DestinationFault.Death);
        w.WriteString("site", r.DestinationFault.Site);
        w.WriteString("outcome", r.DestinationFault.Outcome);
        w.WriteEndObject();
        w.WriteStartObject("contract");
        w.WriteNumber("cases", result.Cases);
        w.WriteNumber("poisonedCases", result.PoisonedCases);
        w.WriteNumber("violations", result.ViolationCount);
        WriteStrings(w, "examples", result.Violations);
        w.WriteEndObject();
        w.WriteNumber("misalignedAccesses", result.MisalignedAccesses);
        w.WriteStartArray("precision");
        foreach (var p in result.Precision)
        {
            w.WriteStartObject();
            w.WriteString("phase", p.Phase);
            w.WriteNumber("faults", p.Faults);
            w.WriteNumber("firstAccessFaults", p.FirstAccessFaults);
            w.WriteNumber("firstAccessExact", p.FirstAccessExact);
            w.WriteNumber("laterFaults", p.LaterFaults);
            w.WriteNumber("laterExact", p.LaterExact);
            w.WriteNumber("overIsStoredInPhase", p.OverIsStoredInPhase);
            w.WriteNumber("underEstimates", p.UnderEstimates);
            w.WriteNumber("maxOverEstimate", p.MaxOverEstimate);
            w.WriteString("maxCase", p.MaxCase?.ToString());
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("reference");
        w.WriteString("profile", r.Reference);
        w.WriteBoolean("registered", r.Registered);
        w.WriteNumber("compared", result.Compared);
        w.WriteNumber("differences", result.DifferenceCount);
        WriteStrings(w, "examples", result.Differences.Select(d => d.ToString()).ToArray());
        w.WriteEndObject();
        w.WriteBoolean("passed", r.Passed);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    // One XLEN's findings; it passes when the contract held and the reference was there and agreed in every case.
    private sealed record XlenReport(AsmRoutine Routine, AsmCheckResult Result, DestinationFault DestinationFault, string Reference, bool Registered)
    {
        public bool Passed => Result.ViolationCount == 0 && Registered && Result.DifferenceCount == 0;
    }
}
