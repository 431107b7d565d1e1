using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// Reads a patch in the forms reviewers receive it: a mail (headers, commit message, then the diff, possibly
/// quoted-printable) or a plain unified diff, with or without <c>diff --git</c> lines. Hunks are read by their
/// line counts, so the mail's signature after the last hunk is not taken for diff lines, and an empty line inside
/// a hunk is an empty context line (mailers strip the trailing space).
/// </summary>
public static partial class PatchReader
{
    /// <summary>The largest line number or count a hunk header may give.</summary>
    public const int MaxLines = 1_000_000;

    /// <summary>Reads the patch file at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The file cannot be read.</exception>
    /// <exception cref="AsmException">The patch is malformed.</exception>
    public static Patch ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ArgumentException($"cannot read patch '{path}': {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="name"/> is used in error locations.</summary>
    /// <exception cref="AsmException">No diff in it, or a malformed header or hunk (the message names the patch line).</exception>
    public static Patch Parse(string text, string name)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (IsQuotedPrintable(lines))
        {
            lines = DecodeQuotedPrintable(lines);
        }

        var files = new List<PatchFile>();
        string? subject = null;
        FileBuilder? current = null;
        for (var i = 0; i < lines.Length;)
        {
            var line = lines[i];
            var at = new SourceLocation(name, i + 1);
            subject ??= SubjectOf(line, files.Count == 0 && current is null);
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                Finish(current, files);
                current = FileBuilder.FromGitLine(line, at);
                i++;
            }
            else if (current is { Hunks.Count: 0 } && line.StartsWith("new file mode", StringComparison.Ordinal))
            {
                current.Kind = PatchFileKind.Added;
                i++;
            }
            else if (current is { Hunks.Count: 0 } && line.StartsWith("deleted file mode", StringComparison.Ordinal))
            {
                current.Kind = PatchFileKind.Deleted;
                i++;
            }
            else if (line.StartsWith("--- ", StringComparison.Ordinal) && i + 1 < lines.Length && lines[i + 1].StartsWith("+++ ", StringComparison.Ordinal))
            {
                if (current is null || current.Hunks.Count > 0 || current.SawFileHeader)
                {
                    Finish(current, files);
                    current = new FileBuilder(at);
                }

                current.SetPaths(PathOf(line[4..]), PathOf(lines[i + 1][4..]));
                i += 2;
            }
            else if (line.StartsWith("@@", StringComparison.Ordinal))
            {
                if (current is null)
                {
                    throw new AsmException(at, "hunk outside any file: expected 'diff --git' or '--- a/...' and '+++ b/...' before it");
                }

                current.Hunks.Add(ReadHunk(lines, ref i, name, current.Path));
            }
            else
            {
                i++;
            }
        }

        Finish(current, files);
        if (files.Count == 0)
        {
            throw new AsmException(new SourceLocation(name, 1), "no unified diff found: expected 'diff --git' or '--- a/...' and '+++ b/...' lines followed by '@@' hunks");
        }

        return new Patch(name, subject, files);
    }

    private static string? SubjectOf(string line, bool beforeDiff)
    {
        if (!beforeDiff)
        {
            return null;
        }

        if (line.StartsWith("Subject: ", StringComparison.Ordinal))
        {
            return line["Subject: ".Length..].Trim();
        }

        return line.StartsWith("[PATCH", StringComparison.Ordinal) ? line.Trim() : null;
    }

    private static void Finish(FileBuilder? builder, List<PatchFile> files)
    {
        if (builder is not null)
        {
            files.Add(builder.Build());
        }
    }

    private static PatchHunk ReadHunk(string[] lines, ref int i, string name, string path)
    {
        var header = new SourceLocation(name, i + 1);
        var m = HunkHeader().Match(lines[i]);
        if (!m.Success)
        {
            throw new AsmException(header, $"malformed hunk header '{lines[i]}' in {path}: expected '@@ -start[,count] +start[,count] @@'");
        }

        var oldStart = Number(m.Groups[1], header, lines[i]);
        var oldCount = m.Groups[2].Success ? Number(m.Groups[2], header, lines[i]) : 1;
        var newStart = Number(m.Groups[3], header, lines[i]);
        var newCount = m.Groups[4].Success ? Number(m.Groups[4], header, lines[i]) : 1;
        int oldLeft = oldCount, newLeft = newCount;
        var body = new List<PatchHunkLine>();
        i++;
        while (oldLeft > 0 || newLeft > 0)
        {
            // An empty line is a context line whose space a mailer stripped, unless the hunk has no context left.
            if (i >= lines.Length || (lines[i].Length == 0 && (oldLeft == 0 || newLeft == 0)))
            {
                throw new AsmException(header,
                    $"hunk of {path} is cut short: {oldLeft} old and {newLeft} new lines of it are missing");
            }

            var line = lines[i];
            var kind = line.Length == 0 ? ' ' : line[0];
            var at = new SourceLocation(name, i + 1);
            switch (kind)
            {
                case ' ':
                    oldLeft--;
                    newLeft--;
                    break;
                case '+':
                    newLeft--;
                    break;
                case '-':
                    oldLeft--;
                    break;
                case '\\':
                    i++;
                    continue;
                default:
                    throw new AsmException(at,
                        $"unexpected line in a hunk of {path} ({oldLeft} old and {newLeft} new lines still due): '{line}' does not start with ' ', '+' or '-'");
            }

            if (oldLeft < 0 || newLeft < 0)
            {
                throw new AsmException(at, $"hunk of {path} has more lines than its header '{lines[header.Line - 1]}' says");
            }

            body.Add(new PatchHunkLine(kind, line.Length == 0 ? string.Empty : line[1..], i + 1));
            i++;
        }

        return new PatchHunk(oldStart, oldCount, newStart, newCount, header, body);
    }

    private static int Number(Group g, SourceLocation at, string header) =>
        int.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= MaxLines
            ? n
            : throw new AsmException(at, $"line number {g.Value} in hunk header '{header}' is out of range (at most {MaxLines})");

    // "a/arch/riscv/lib/x.S" -> "arch/riscv/lib/x.S"; a plain diff may add a tab and a timestamp.
    private static string PathOf(string field)
    {
        var path = field.Split('\t')[0].Trim();
        return path.StartsWith("a/", StringComparison.Ordinal) || path.StartsWith("b/", StringComparison.Ordinal) ? path[2..] : path;
    }

    private static bool IsQuotedPrintable(string[] lines)
    {
        foreach (var line in lines)
        {
            if (line.StartsWith("diff --git ", StringComparison.Ordinal) || line.StartsWith("@@", StringComparison.Ordinal))
            {
                return false;
            }

            if (line.StartsWith("Content-Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) &&
                line.Contains("quoted-printable", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // RFC 2045 6.7: '=' + two hex digits is a byte; '=' at the end of a line joins it to the next (soft break).
    private static string[] DecodeQuotedPrintable(string[] lines)
    {
        var text = string.Join('\n', lines).Replace("=\n", string.Empty, StringComparison.Ordinal);
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray()).Split('\n');
    }

    [GeneratedRegex(@"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")]
    private static partial Regex HunkHeader();

    private sealed class FileBuilder(SourceLocation header)
    {
        private string? _oldPath;
        private string? _newPath;

        public PatchFileKind Kind { get; set; } = PatchFileKind.Modified;

        public bool SawFileHeader { get; private set; }

        public List<PatchHunk> Hunks { get; } = [];

        public string Path => _newPath is null or "/dev/null" ? _oldPath ?? "(unnamed)" : _newPath;

        public static FileBuilder FromGitLine(string line, SourceLocation at)
        {
            var builder = new FileBuilder(at);
            var m = GitPaths().Match(line);
            if (m.Success)
            {
                builder._oldPath = m.Groups[1].Value;
                builder._newPath = m.Groups[2].Value;
            }

            return builder;
        }

        public void SetPaths(string oldPath, string newPath)
        {
            SawFileHeader = true;
            _oldPath = oldPath;
            _newPath = newPath;
            if (oldPath == "/dev/null")
            {
                Kind = PatchFileKind.Added;
            }
            else if (newPath == "/dev/null")
            {
                Kind = PatchFileKind.Deleted;
            }
        }

        public PatchFile Build() => new(Path, Kind, header, Hunks.ToArray());
    }

    [GeneratedRegex(@"^diff --git a/(\S+) b/(\S+)")]
    private static partial Regex GitPaths();
}
