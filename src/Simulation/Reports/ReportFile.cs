namespace KernelModel.Simulation.Reports;

/// <summary>
/// Where <c>--report FILE.html</c> goes. The path is checked before any work starts (so a bad path is bad input,
/// exit code 2, with nothing written), and the file is written whole or not at all: into a temporary file beside
/// it, then moved over the target.
/// </summary>
public static class ReportFile
{
    /// <summary>Checks that <paramref name="path"/> can be a report: an .html file in an existing directory.</summary>
    /// <exception cref="ArgumentException">It cannot; the message names the value and what is valid.</exception>
    public static string Validate(string path, string option = "--report")
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"invalid {option} '': give a file name ending in .html");
        }

        var full = Path.GetFullPath(path);
        if (!full.EndsWith(".html", StringComparison.OrdinalIgnoreCase) && !full.EndsWith(".htm", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"invalid {option} '{path}': the report is an HTML page, give a file name ending in .html");
        }

        if (Directory.Exists(full))
        {
            throw new ArgumentException($"invalid {option} '{path}': it is a directory; give a file name ending in .html");
        }

        var dir = Path.GetDirectoryName(full);
        if (dir is null || !Directory.Exists(dir))
        {
            throw new ArgumentException($"invalid {option} '{path}': directory '{dir}' does not exist");
        }

        return full;
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void WriteAllText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".partial");
        File.WriteAllText(temp, text, new System.Text.UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }
}
