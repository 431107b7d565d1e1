using System.Text;

namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// The C preprocessor as the kernel build runs it over a <c>.S</c> file (gcc -E -x assembler-with-cpp), in the forms
/// such files use: line splicing, comment removal, <c>#include</c> (of files in the patch or the model's headers),
/// object- and function-like <c>#define</c> (with <c>#</c> and <c>##</c>), <c>#undef</c>, <c>#ifdef</c> /
/// <c>#ifndef</c> / <c>#if</c> / <c>#elif</c> / <c>#else</c> / <c>#endif</c> with integer expressions and
/// <c>defined</c>, and <c>#error</c>. As in assembler-with-cpp mode, a <c>#</c> line that is no directive is left to
/// the assembler, for which <c>#</c> starts a comment.
/// </summary>
public sealed class Preprocessor
{
    private const int MaxIncludeDepth = 64;
    private const int MaxExpansion = 1 << 20;
    private static readonly string[] Unsupported = ["pragma", "line", "include_next", "import", "ident", "sccs", "assert", "unassert"];
    private readonly Dictionary<string, CppMacro> _macros = new(StringComparer.Ordinal);
    private readonly Func<string, bool, SourceText, SourceLocation, SourceText> _resolve;
    private readonly List<SourceLine> _output = [];
    private readonly List<string> _notes = [];

    /// <summary>A preprocessor for <paramref name="target"/>'s predefined macros.</summary>
    /// <param name="target">The target (XLEN and the configuration macros).</param>
    /// <param name="resolve">
    /// Finds an include: (name, angled, including file, location of the #include) to its text; throws
    /// <see cref="AsmException"/> when there is none.
    /// </param>
    public Preprocessor(AsmTarget target, Func<string, bool, SourceText, SourceLocation, SourceText> resolve)
    {
        _resolve = resolve;
        foreach (var (name, value) in target.PredefinedMacros)
        {
            _macros[name] = new CppMacro(name, null, value, new SourceLocation("<command line>", 1));
        }
    }

    /// <summary>What the preprocessor noticed but did not stop for: #warning lines and the unknown lines of changed files.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Preprocesses <paramref name="file"/> and everything it includes.</summary>
    /// <exception cref="AsmException">A missing include, a malformed or unsupported directive, an unbalanced conditional, or #error.</exception>
    public IReadOnlyList<SourceLine> Run(SourceText file)
    {
        _output.Clear();
        Process(file, 0);
        return _output.ToArray();
    }

    /// <summary>Expands the macros in one line of text (as the preprocessor does for a non-directive line).</summary>
    public string Expand(string text, SourceLocation at) => Expand(CppToken.Split(text), at, []);

    private void Process(SourceText file, int depth)
    {
        if (!file.IsComplete)
        {
            _notes.Add($"{file.Path}: lines {string.Join(", ", file.Gaps)} are not in the patch; only the lines its hunks show are used");
        }

        var conditions = new Stack<Conditional>();
        var inComment = false;
        var lines = file.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not { } physical)
            {
                continue;
            }

            var at = new SourceLocation(file.Path, i + 1);
            var text = physical;
            while (text.EndsWith('\\') && i + 1 < lines.Count && lines[i + 1] is { } next)
            {
                text = text[..^1] + next;
                i++;
            }

            text = StripComments(text, ref inComment);
            var active = conditions.Count == 0 || conditions.Peek().Active;
            var trimmed = text.TrimStart();
            if (trimmed.StartsWith('#'))
            {
                Directive(trimmed[1..].TrimStart(), at, file, depth, conditions, active);
            }
            else if (active && !string.IsNullOrWhiteSpace(text))
            {
                var expanded = Expand(text, at);
                if (!string.IsNullOrWhiteSpace(expanded))
                {
                    _output.Add(new SourceLine(at, expanded));
                }
            }
        }

        if (conditions.Count > 0)
        {
            throw new AsmException(conditions.Peek().At, "unterminated conditional: no #endif before the end of the file");
        }
    }

    private void Directive(string body, SourceLocation at, SourceText file, int depth, Stack<Conditional> conditions, bool active)
    {
        var nameLength = 0;
        while (nameLength < body.Length && (char.IsAsciiLetterOrDigit(body[nameLength]) || body[nameLength] == '_'))
        {
            nameLength++;
        }

        var name = body[..nameLength];
        var rest = body[nameLength..].Trim();
        switch (name)
        {
            case "ifdef" or "ifndef":
                var defined = active && _macros.ContainsKey(Identifier(rest, name, at));
                var taken = name == "ifdef" ? defined : active && !defined;
                conditions.Push(new Conditional(active, taken, taken, false, at));
                return;
            case "if":
                var value = active && Condition(rest, at) != 0;
                conditions.Push(new Conditional(active, value, value, false, at));
                return;
            case "elif":
                var open = Top(conditions, name, at);
                if (open.SeenElse)
                {
                    throw new AsmException(at, "#elif after #else");
                }

                var elif = open.ParentActive && !open.Taken && Condition(rest, at) != 0;
                conditions.Push(open with { Taken = open.Taken || elif, Active = elif });
                return;
            case "else":
                var top = Top(conditions, name, at);
                if (top.SeenElse)
                {
                    throw new AsmException(at, "#else after #else");
                }

                conditions.Push(top with { Active = top.ParentActive && !top.Taken, Taken = true, SeenElse = true });
                return;
            case "endif":
                Top(conditions, name, at);
                return;
        }

        if (!active)
        {
            return;
        }

        switch (name)
        {
            case "include":
                Include(rest, at, file, depth);
                break;
            case "define":
                Define(rest, at);
                break;
            case "undef":
                _macros.Remove(Identifier(rest, name, at));
                break;
            case "error":
                throw new AsmException(at, $"#error {rest}");
            case "warning":
                _notes.Add($"{at}: #warning {rest}");
                break;
            case "":
                break;
            default:
                if (Unsupported.Contains(name))
                {
                    throw new AsmException(at, $"unsupported preprocessor directive '#{name}'");
                }

                // assembler-with-cpp passes a '#' line that is no directive to the assembler, where it is a comment.
                break;
        }
    }

    private static Conditional Top(Stack<Conditional> conditions, string directive, SourceLocation at) =>
        conditions.TryPop(out var c) ? c : throw new AsmException(at, $"#{directive} without #if");

    private static string Identifier(string rest, string directive, SourceLocation at)
    {
        var tokens = CppToken.Split(rest).Where(t => t.Kind != CppTokenKind.Space).ToList();
        return tokens is [{ Kind: CppTokenKind.Identifier } t]
            ? t.Text
            : throw new AsmException(at, $"#{directive} expects one macro name, got '{rest}'");
    }

    private void Include(string rest, SourceLocation at, SourceText file, int depth)
    {
        var spec = rest.StartsWith('"') || rest.StartsWith('<') ? rest : Expand(rest, at).Trim();
        var close = spec.StartsWith('"') ? spec.IndexOf('"', 1) : spec.StartsWith('<') ? spec.IndexOf('>', 1) : -1;
        if (close < 0 || !string.IsNullOrWhiteSpace(spec[(close + 1)..]))
        {
            throw new AsmException(at, $"malformed #include {rest}: expected \"file\" or <file>");
        }

        if (depth >= MaxIncludeDepth)
        {
            throw new AsmException(at, $"#include nested more than {MaxIncludeDepth} deep");
        }

        var included = _resolve(spec[1..close], spec[0] == '<', file, at);
        Process(included, depth + 1);
    }

    private void Define(string rest, SourceLocation at)
    {
        var nameLength = 0;
        while (nameLength < rest.Length && (char.IsAsciiLetterOrDigit(rest[nameLength]) || rest[nameLength] == '_'))
        {
            nameLength++;
        }

        if (nameLength == 0 || char.IsAsciiDigit(rest[0]))
        {
            throw new AsmException(at, $"#define expects a macro name, got '{rest}'");
        }

        var name = rest[..nameLength];
        if (nameLength < rest.Length && rest[nameLength] == '(')
        {
            var close = rest.IndexOf(')', nameLength);
            if (close < 0)
            {
                throw new AsmException(at, $"missing ')' in the parameter list of macro {name}");
            }

            var parameters = rest[(nameLength + 1)..close].Split(',', StringSplitOptions.TrimEntries).Where(p => p.Length > 0)
                .Select(p => p == "..." ? "__VA_ARGS__" : p).ToArray();
            if (parameters.Any(p => !p.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
            {
                throw new AsmException(at, $"malformed parameter list of macro {name}: '{rest[nameLength..(close + 1)]}'");
            }

            _macros[name] = new CppMacro(name, parameters, rest[(close + 1)..].Trim(), at);
        }
        else
        {
            _macros[name] = new CppMacro(name, null, rest[nameLength..].Trim(), at);
        }
    }

    private long Condition(string expression, SourceLocation at)
    {
        var tokens = CppToken.Split(expression);
        var replaced = new StringBuilder();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] is not { Kind: CppTokenKind.Identifier, Text: "defined" })
            {
                replaced.Append(tokens[i].Text);
                continue;
            }

            var j = NextSolid(tokens, i + 1);
            var parenthesised = j < tokens.Count && tokens[j].Text == "(";
            if (parenthesised)
            {
                j = NextSolid(tokens, j + 1);
            }

            if (j >= tokens.Count || tokens[j].Kind != CppTokenKind.Identifier)
            {
                throw new AsmException(at, $"'defined' without a macro name in #if {expression}");
            }

            replaced.Append(_macros.ContainsKey(tokens[j].Text) ? " 1 " : " 0 ");
            if (parenthesised)
            {
                j = NextSolid(tokens, j + 1);
                if (j >= tokens.Count || tokens[j].Text != ")")
                {
                    throw new AsmException(at, $"missing ')' after 'defined(' in #if {expression}");
                }
            }

            i = j;
        }

        var expanded = Expand(replaced.ToString(), at);
        if (string.IsNullOrWhiteSpace(expanded))
        {
            throw new AsmException(at, "#if with no expression");
        }

        return Expression.Evaluate(expanded, ExpressionDialect.Preprocessor, _ => null, at);
    }

    private static int NextSolid(List<CppToken> tokens, int i)
    {
        while (i < tokens.Count && tokens[i].Kind == CppTokenKind.Space)
        {
            i++;
        }

        return i;
    }

    private string Expand(List<CppToken> tokens, SourceLocation at, HashSet<string> disabled)
    {
        var text = new StringBuilder();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind != CppTokenKind.Identifier || !_macros.TryGetValue(token.Text, out var macro) || disabled.Contains(macro.Name))
            {
                text.Append(token.Text);
                continue;
            }

            string replacement;
            if (macro.Parameters is null)
            {
                replacement = macro.Body;
            }
            else
            {
                var open = NextSolid(tokens, i + 1);
                if (open >= tokens.Count || tokens[open].Text != "(")
                {
                    text.Append(token.Text);
                    continue;
                }

                var arguments = Arguments(tokens, open, macro, at, out var close);
                replacement = Substitute(macro, arguments, at, disabled);
                i = close;
            }

            disabled.Add(macro.Name);
            text.Append(Expand(CppToken.Split(replacement), at, disabled));
            disabled.Remove(macro.Name);
            if (text.Length > MaxExpansion)
            {
                throw new AsmException(at, $"macro expansion of {macro.Name} grows past {MaxExpansion} characters");
            }
        }

        return text.ToString();
    }

    private static List<string> Arguments(List<CppToken> tokens, int open, CppMacro macro, SourceLocation at, out int close)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var nesting = 0;
        for (var j = open + 1; j < tokens.Count; j++)
        {
            var t = tokens[j].Text;
            if (t == "(")
            {
                nesting++;
            }
            else if (t == ")" && nesting-- == 0)
            {
                arguments.Add(current.ToString().Trim());
                close = j;
                var expected = macro.Parameters!.Count;
                if (arguments is [""] && expected == 0)
                {
                    return [];
                }

                if (macro.Variadic && arguments.Count >= expected - 1)
                {
                    var fixedCount = expected - 1;
                    var rest = string.Join(", ", arguments.Skip(fixedCount));
                    return [.. arguments.Take(fixedCount), rest];
                }

                if (arguments.Count != expected)
                {
                    throw new AsmException(at, $"macro {macro.Name} takes {expected} arguments, but {arguments.Count} were given");
                }

                return arguments;
            }
            else if (t == "," && nesting == 0)
            {
                arguments.Add(current.ToString().Trim());
                current.Clear();
                continue;
            }

            current.Append(t);
        }

        throw new AsmException(at, $"unterminated argument list invoking macro {macro.Name}");
    }

    // C11 6.10.3.1-3: a parameter next to ## or after # takes the argument as written; elsewhere the argument is
    // expanded first. ## then joins its neighbours.
    private string Substitute(CppMacro macro, List<string> arguments, SourceLocation at, HashSet<string> disabled)
    {
        var body = CppToken.Split(macro.Body);
        var parameters = macro.Parameters!.ToList();
        var text = new StringBuilder();
        for (var i = 0; i < body.Count; i++)
        {
            var token = body[i];
            if (token.Text == "#" && NextSolid(body, i + 1) is var p && p < body.Count && parameters.IndexOf(body[p].Text) is >= 0 and var sp)
            {
                text.Append('"').Append(arguments[sp].Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                i = p;
                continue;
            }

            var index = token.Kind == CppTokenKind.Identifier ? parameters.IndexOf(token.Text) : -1;
            if (index < 0)
            {
                text.Append(token.Text == "##" ? "\u0001" : token.Text);
                continue;
            }

            var pasted = PreviousSolid(body, i - 1) is "##" || (NextSolid(body, i + 1) is var n && n < body.Count && body[n].Text == "##");
            text.Append(pasted ? arguments[index] : Expand(CppToken.Split(arguments[index]), at, disabled));
        }

        // "a ## b" -> "ab": the marker and the spaces around it go.
        var joined = text.ToString();
        var marker = joined.IndexOf('\u0001', StringComparison.Ordinal);
        while (marker >= 0)
        {
            var left = marker;
            while (left > 0 && char.IsWhiteSpace(joined[left - 1]))
            {
                left--;
            }

            var right = marker + 1;
            while (right < joined.Length && char.IsWhiteSpace(joined[right]))
            {
                right++;
            }

            joined = joined[..left] + joined[right..];
            marker = joined.IndexOf('\u0001', StringComparison.Ordinal);
        }

        return joined;
    }

    private static string? PreviousSolid(List<CppToken> tokens, int i)
    {
        while (i >= 0 && tokens[i].Kind == CppTokenKind.Space)
        {
            i--;
        }

        return i >= 0 ? tokens[i].Text : null;
    }

    // Block comments may span lines (inComment carries over); both kinds become one space, as in C11 5.1.1.2.
    private static string StripComments(string line, ref bool inComment)
    {
        var text = new StringBuilder(line.Length);
        var inString = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (inComment)
            {
                if (line[i] == '*' && i + 1 < line.Length && line[i + 1] == '/')
                {
                    inComment = false;
                    text.Append(' ');
                    i++;
                }

                continue;
            }

            var c = line[i];
            if (inString)
            {
                text.Append(c);
                if (c == '\\' && i + 1 < line.Length)
                {
                    text.Append(line[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '/' && i + 1 < line.Length && line[i + 1] == '*')
            {
                inComment = true;
                i++;
                continue;
            }

            if (c == '/' && i + 1 < line.Length && line[i + 1] == '/')
            {
                break;
            }

            inString = c == '"';
            text.Append(c);
        }

        return text.ToString();
    }

    private readonly record struct Conditional(bool ParentActive, bool Taken, bool Active, bool SeenElse, SourceLocation At);
}
