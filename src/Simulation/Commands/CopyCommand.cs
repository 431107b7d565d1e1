using System.CommandLine;
using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel copy --profile P --routine R --len N [--src-offset S] [--dst-offset D] [--poison OFF[,OFF...]] [--json]</c>:
/// one copy on a simulated machine of any registered profile, through <see cref="CopyProbe"/>. S and D are byte
/// offsets from 64-byte-aligned buffers; each OFF is a byte offset in the source whose 64-byte line is poisoned. It
/// prints what the routine returned, how many leading destination bytes equal the source, the first poisoned
/// source byte, every trap, whether the kernel died or the machine panicked, and whether the copy_mc contract held.
/// </summary>
public sealed class CopyCommand(ConsoleStreams console, ProfileCatalog profiles) : IKmodelCommand
{
    /// <summary>The machine every copy runs on: 1 GiB on one node, seed 1 (fits every profile's linear map).</summary>
    public static MachineConfig MachineConfig { get; } = new() { MemoryBytes = 1UL << 30, Seed = 1 };

    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var profile = new Option<string>("--profile") { Description = "architecture profile (see the error for the list)", Required = true };
        var routine = new Option<string>("--routine") { Description = "copy_mc_to_kernel, copy_mc_to_user, copy_mc_page (arm64) or memcpy", Required = true };
        var len = new Option<int>("--len") { Description = $"bytes to copy, 0..{CopyCase.MaxLength}", Required = true };
        var srcOffset = new Option<int>("--src-offset") { Description = $"source offset from a 64-byte-aligned base, 0..{CopyCase.MaxOffset}" };
        var dstOffset = new Option<int>("--dst-offset") { Description = $"destination offset from a 64-byte-aligned base, 0..{CopyCase.MaxOffset}" };
        var poison = new Option<string>("--poison") { Description = "comma-separated source byte offsets whose 64-byte lines are poisoned" };
        var json = new Option<bool>("--json") { Description = "one JSON object: returned, stored, first_poison, died, panicked, panic_message, traps, contract_ok, violation" };
        var command = new Command("copy", "run one copy routine of a profile on a simulated machine, with poisoned source lines")
        {
            profile, routine, len, srcOffset, dstOffset, poison, json,
        };
        command.SetAction(parse =>
        {
            var copy = new CopyCase(parse.GetValue(len), parse.GetValue(srcOffset), parse.GetValue(dstOffset), ParsePoison(parse.GetValue(poison)));
            Write(parse.GetValue(profile)!, Run(parse.GetValue(profile)!, parse.GetValue(routine)!, copy), parse.GetValue(json));
            return 0;
        });
        root.Subcommands.Add(command);
    }

    /// <summary>Runs <paramref name="routine"/> of <paramref name="profile"/> for <paramref name="copy"/> on a fresh machine.</summary>
    /// <exception cref="ArgumentException">Unknown profile or routine, or a value out of range; the message names it and what is valid.</exception>
    public CopyProbeResult Run(string profile, string routine, CopyCase copy)
    {
        profiles.Get(profile);
        copy.Validate();
        return new CopyProbe(() => profiles.Boot(profile, MachineConfig)).Run(routine, copy);
    }

    /// <summary>Parses "OFF[,OFF...]" (empty or absent: no poison).</summary>
    /// <exception cref="ArgumentException">An element is not a non-negative integer.</exception>
    public static IReadOnlyList<int> ParsePoison(string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return [];
        }

        return list.Split(',').Select(part => int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : throw new ArgumentException($"invalid poison offset '{part}' in --poison '{list}': each must be a non-negative integer")).ToArray();
    }

    private static string Hex(ulong value) => Printf.HashLx(value);

    private static string Kind(TrapKind kind) => kind == TrapKind.HardwareError ? "hardware_error" : "page_fault";

    private static string Access(SiteAccess access) => access == SiteAccess.Load ? "load" : "store";

    private void Write(string profile, CopyProbeResult r, bool json)
    {
        if (json)
        {
            WriteJson(r);
            return;
        }

        var o = console.Out;
        var c = r.Case;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{profile}: {r.Routine}(len {c.Length}, src+{c.SrcOffset}, dst+{c.DstOffset}), poison [{string.Join(",", c.PoisonOffsets)}]"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  returned      {r.Returned}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  stored        {r.Stored} of {c.Length}"));
        o.WriteLine(r.FirstPoison is { } p ? string.Create(CultureInfo.InvariantCulture, $"  first poison  {p}") : "  first poison  none in the copied range");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  traps         {r.Traps.Count}"));
        foreach (var t in r.Traps)
        {
            var pa = t.PhysicalAddress is { } a ? " pa " + Hex(a) : string.Empty;
            o.WriteLine($"    {Kind(t.Kind)} at {t.Site} va {Hex(t.VirtualAddress)}{pa} ({t.Mode.ToString().ToLowerInvariant()} mode): {t.Outcome.ToString().ToLowerInvariant()}, {t.Detail}");
        }

        o.WriteLine("  kernel        " + (r.Panicked ? $"PANICKED ({r.DeathMessage})" : r.Died ? $"died ({r.DeathMessage})" : "running"));
        o.WriteLine("  contract      " + (r.ContractOk ? "held" : $"VIOLATED: {r.Violation}"));
    }

    private void WriteJson(CopyProbeResult r)
    {
        console.Out.WriteLine(JsonText.Of(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("returned", r.Returned);
            w.WriteNumber("stored", r.Stored);
            if (r.FirstPoison is { } p)
            {
                w.WriteNumber("first_poison", p);
            }
            else
            {
                w.WriteNull("first_poison");
            }

            w.WriteBoolean("died", r.Died);
            w.WriteBoolean("panicked", r.Panicked);
            w.WriteString("panic_message", r.Panicked ? r.DeathMessage : null);
            w.WriteStartArray("traps");
            foreach (var t in r.Traps)
            {
                w.WriteStartObject();
                w.WriteString("kind", Kind(t.Kind));
                w.WriteString("routine", t.Site.Routine);
                w.WriteString("site", t.Site.Label);
                w.WriteString("access", Access(t.Site.Access));
                w.WriteString("virtual_address", Hex(t.VirtualAddress));
                w.WriteString("physical_address", t.PhysicalAddress is { } a ? Hex(a) : null);
                w.WriteString("mode", t.Mode.ToString().ToLowerInvariant());
                w.WriteString("outcome", t.Outcome.ToString().ToLowerInvariant());
                w.WriteString("detail", t.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("contract_ok", r.ContractOk);
            w.WriteString("violation", r.Violation);
            w.WriteEndObject();
        }));
    }
}
