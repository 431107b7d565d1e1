using System.Text.RegularExpressions;

namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// Builds a routine from a patch as the kernel build would: the assembler sources the patch creates or changes under
/// arch/riscv/lib/ are the candidates; one that another includes (the template) is no translation unit of its own; the
/// translation unit that names the routine is preprocessed (its includes found in the patch, kernel headers the patch
/// does not carry taken from <see cref="ModelHeaders"/>) and assembled.
/// </summary>
public static partial class PatchAssembler
{
    /// <summary>The routine the seed patch adds.</summary>
    public const string DefaultRoutine = "__memcpy_mc";

    /// <summary>Where the patch's routines are.</summary>
    public const string LibDirectory = "arch/riscv/lib/";

    // -I order of the kernel build for arch/riscv: the architecture's headers before the generic ones.
    private static readonly string[] IncludeDirectories = ["arch/riscv/include/", "include/", "arch/riscv/include/uapi/", "include/uapi/"];

    /// <summary>Assembles the translation unit of <paramref name="patch"/> that defines <paramref name="routine"/> for <paramref name="target"/>.</summary>
    /// <exception cref="AsmException">The sources cannot be preprocessed or assembled (the message names file and line).</exception>
    /// <exception cref="ArgumentException">No source of the patch defines the routine.</exception>
    public static AsmRoutine Assemble(Patch patch, AsmTarget target, string routine = DefaultRoutine)
    {
        var sources = patch.Files
            .Where(f => f.Kind != PatchFileKind.Deleted && f.Path.StartsWith(LibDirectory, StringComparison.Ordinal) && f.Path.EndsWith(".S", StringComparison.Ordinal))
            .Select(f => f.Result())
            .ToList();
        var included = sources.SelectMany(s => s.Lines.OfType<string>()
                .Select(l => QuotedInclude().Match(l))
                .Where(m => m.Success)
                .Select(m => Combine(Directory(s.Path), m.Groups[1].Value)))
            .ToHashSet(StringComparer.Ordinal);
        var units = sources.Where(s => !included.Contains(s.Path)).ToList();
        var word = new Regex($@"(?<![A-Za-z0-9_]){Regex.Escape(routine)}(?![A-Za-z0-9_])", RegexOptions.CultureInvariant);
        var unit = units.FirstOrDefault(s => s.Lines.OfType<string>().Any(word.IsMatch))
            ?? throw new ArgumentException($"routine '{routine}' is not named in the patch's assembler sources under {LibDirectory} " +
                $"(translation units: {(units.Count == 0 ? "none" : string.Join(", ", units.Select(u => u.Path)))})");

        var used = new Dictionary<string, SourceText>(StringComparer.Ordinal) { [unit.Path] = unit };
        try
        {
            var preprocessor = new Preprocessor(target, (name, angled, includer, at) =>
            {
                var text = Resolve(patch, target, name, angled, includer, at);
                used[text.Path] = text;
                return text;
            });
            var lines = preprocessor.Run(unit);
            var program = new Assembler(target).Assemble(lines, preprocessor.Notes);
            return program.Routine(routine);
        }
        catch (AsmException e) when (used.TryGetValue(e.Location.File, out var text) && !text.IsComplete)
        {
            throw new AsmException(e.Location, $"{e.Detail} (lines {string.Join(", ", text.Gaps)} of {text.Path} are not in the patch)");
        }
    }

    private static SourceText Resolve(Patch patch, AsmTarget target, string name, bool angled, SourceText includer, SourceLocation at)
    {
        var candidates = (angled ? [] : new[] { Combine(Directory(includer.Path), name) })
            .Concat(IncludeDirectories.Select(d => d + name))
            .ToList();
        SourceText? partial = null;
        foreach (var path in candidates)
        {
            if (patch.Find(path) is { Kind: not PatchFileKind.Deleted } file)
            {
                var text = file.Result();
                if (text.IsComplete)
                {
                    return text;
                }

                partial ??= text;
            }
        }

        if (ModelHeaders.Find(name, target) is { } model)
        {
            return model;
        }

        var spelled = angled ? $"<{name}>" : $"\"{name}\"";
        throw new AsmException(at, partial is not null
            ? $"#include {spelled}: only lines of {partial.Path} that its hunks show are in the patch (missing {string.Join(", ", partial.Gaps)})"
            : $"#include {spelled}: not in the patch, and not one of the headers the model defines ({string.Join(", ", ModelHeaders.Names)})");
    }

    private static string Directory(string path) => path.Contains('/', StringComparison.Ordinal) ? path[..(path.LastIndexOf('/') + 1)] : string.Empty;

    private static string Combine(string directory, string name)
    {
        var parts = new List<string>();
        foreach (var part in (directory + name).Split('/'))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part is not ("." or ""))
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
    }

    [GeneratedRegex(@"^\s*#\s*include\s*""([^""]+)""")]
    private static partial Regex QuotedInclude();
}
