using System.CommandLine;
using KernelModel.Mm;
using KernelModel.Simulation.Litmus;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel litmus run FILE... --profile P [--kernel K] [--json]</c>: runs litmus files on the model and prints each
/// step's observation in the canonical form the real-kernel runner (tools/litmus-runner) prints, judging the files'
/// expectations. <c>kmodel litmus diff A B</c>: compares two canonical outputs step by step and prints the
/// agreement figure.
/// </summary>
public sealed class LitmusCommand(ConsoleStreams console, ProfileCatalog profiles) : IKmodelCommand
{
    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var files = new Argument<string[]>("files") { Description = "litmus files", Arity = ArgumentArity.OneOrMore };
        var profile = new Option<string>("--profile") { Description = "architecture profile", Required = true };
        var kernel = new Option<string>("--kernel")
        {
            Description = "kernel version options: " + string.Join("; ", LitmusKernel.All.Select(k => $"{k.Name} ({k.Description})")),
            DefaultValueFactory = _ => "v6.17",
        };
        var json = new Option<bool>("--json") { Description = "the observations as JSON" };
        var run = new Command("run", "run litmus files on the model: canonical observations, expectations judged") { files, profile, kernel, json };
        run.SetAction(parse => Run(parse.GetValue(files)!, parse.GetValue(profile)!, parse.GetValue(kernel)!, parse.GetValue(json)));

        var a = new Argument<string>("a") { Description = "canonical output (kmodel litmus run, or a snapshot)" };
        var b = new Argument<string>("b") { Description = "canonical output to compare with" };
        var divergences = new Option<string?>("--divergences") { Description = "known divergences (default: litmus/divergences.txt beside the snapshots)" };
        var diff = new Command("diff", "compare two canonical outputs step by step; prints the agreement figure") { a, b, divergences };
        diff.SetAction(parse => Diff(parse.GetValue(a)!, parse.GetValue(b)!, parse.GetValue(divergences)));

        root.Subcommands.Add(new Command("litmus", "litmus files: hwpoison scenarios as text, run on the model and on real kernels") { run, diff });
    }

    /// <summary>Runs the files; exit code 0 when every expectation holds, 1 when not.</summary>
    public int Run(string[] paths, string profile, string kernelName, bool json)
    {
        profiles.Get(profile);
        var kernel = LitmusKernel.Get(kernelName);
        var parsed = paths.Select(LitmusParser.ParseFile).ToArray();
        var executor = new LitmusExecutor(profiles);
        var results = parsed.Select(f => executor.Run(f, profile, kernel)).ToArray();
        var verdicts = results.Select(LitmusJudge.Judge).ToArray();
        if (json)
        {
            console.Out.WriteLine(Json(results, verdicts, profile, kernel));
        }
        else
        {
            console.Out.WriteLine($"# model {profile} kernel={kernel.Name}");
            for (var i = 0; i < results.Length; i++)
            {
                foreach (var line in results[i].CanonicalLines())
                {
                    console.Out.WriteLine(line);
                }

                console.Out.WriteLine(verdicts[i].Count == 0
                    ? $"# judge {results[i].File.Id}: ok"
                    : $"# judge {results[i].File.Id}: FAIL: " + string.Join("; ", verdicts[i]));
            }
        }

        return verdicts.All(v => v.Count == 0) ? 0 : 1;
    }

    /// <summary>Compares two outputs; exit code 0 when every difference is a listed divergence, 1 when not.</summary>
    public int Diff(string pathA, string pathB, string? divergencesPath)
    {
        var a = CanonicalText.Parse(Read(pathA), pathA);
        var b = CanonicalText.Parse(Read(pathB), pathB);
        var release = b.Header.GetValueOrDefault("kernel") ?? a.Header.GetValueOrDefault("kernel");
        var series = release is null ? "*" : LitmusKernel.Get(release).Name;
        var known = DivergencesFor(divergencesPath, pathA, pathB);
        var items = LitmusDiff.Compare(a, b, series, known);
        var o = console.Out;
        foreach (var item in items.Where(i => i.Status == DiffStatus.Differ))
        {
            o.WriteLine($"differs: {item.File} {item.Key} {item.Label}");
            o.WriteLine($"  {pathA}: {item.A}");
            o.WriteLine($"  {pathB}: {item.B}");
            o.WriteLine(item.Known is { } k ? "  kept on purpose: " + k.Reason : "  not a listed divergence");
        }

        var notCompared = items.Count(i => i.Status == DiffStatus.NotCompared);
        var steps = items.Where(i => i.Key is not ("console" or "counters")).ToArray();
        o.WriteLine($"agreement{(release is null ? string.Empty : " with kernel " + release)}: {LitmusDiff.Agreement(items)} (steps: {LitmusDiff.Agreement(steps)}); "
            + $"{items.Count(i => i.Status == DiffStatus.Differ && i.Known is not null)} listed divergences; {notCompared} items not compared (after model-only steps, or in files a side skipped)");
        return items.Any(i => i.Status == DiffStatus.Differ && i.Known is null) ? 1 : 0;
    }

    private static IReadOnlyList<LitmusDivergence> DivergencesFor(string? explicitPath, string pathA, string pathB)
    {
        if (explicitPath is not null)
        {
            return LitmusDivergence.Parse(Read(explicitPath), explicitPath);
        }

        foreach (var p in new[] { pathB, pathA })
        {
            var candidate = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(p))!, "..", "divergences.txt");
            if (System.IO.File.Exists(candidate))
            {
                return LitmusDivergence.Parse(Read(candidate), candidate);
            }
        }

        return [];
    }

    private static string Read(string path)
    {
        try
        {
            return System.IO.File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"cannot read '{path}': {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ArgumentException($"cannot read '{path}': {e.Message}");
        }
    }

    private static string Json(IReadOnlyList<LitmusResult> results, IReadOnlyList<IReadOnlyList<string>> verdicts, string profile, LitmusKernel kernel)
    {
        return JsonText.Of(w =>
        {
            w.WriteStartObject();
            w.WriteString("profile", profile);
            w.WriteString("kernel", kernel.Name);
            w.WriteStartArray("files");
            for (var i = 0; i < results.Count; i++)
            {
                var r = results[i];
                w.WriteStartObject();
                w.WriteString("litmus", r.File.Id);
                w.WriteStartArray("steps");
                foreach (var s in r.Steps)
                {
                    w.WriteStartObject();
                    w.WriteNumber("step", s.Step.Number);
                    w.WriteString("text", s.Step.Text);
                    w.WriteBoolean("skipped", s.Observation is null);
                    foreach (var field in LitmusParser.Fields)
                    {
                        w.WriteString(field, s.Observation?.Field(field) ?? "-");
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("console");
                foreach (var line in r.Console)
                {
                    w.WriteStringValue(line);
                }

                w.WriteEndArray();
                w.WriteStartObject("counters");
                foreach (var name in LitmusParser.CounterNames)
                {
                    w.WriteString(name, r.Counters[name]);
                }

                w.WriteEndObject();
                w.WriteStartArray("judge");
                foreach (var problem in verdicts[i])
                {
                    w.WriteStringValue(problem);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
