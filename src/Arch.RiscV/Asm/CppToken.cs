namespace KernelModel.Arch.RiscV.Asm;

/// <summary>What a preprocessing token is.</summary>
internal enum CppTokenKind
{
    Identifier,
    Number,
    String,
    Space,
    Punctuator,
}

/// <summary>A preprocessing token (C11 6.4.7): identifiers, pp-numbers (so <c>1f</c> and <c>6b</c> stay whole), strings, spaces, the rest one character at a time (<c>##</c> whole).</summary>
internal readonly record struct CppToken(CppTokenKind Kind, string Text)
{
    public static List<CppToken> Split(string text)
    {
        var tokens = new List<CppToken>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            var start = i;
            CppTokenKind kind;
            if (char.IsWhiteSpace(c))
            {
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    i++;
                }

                kind = CppTokenKind.Space;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                kind = CppTokenKind.Identifier;
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.' ||
                                           (text[i] is '+' or '-' && text[i - 1] is 'e' or 'E' or 'p' or 'P')))
                {
                    i++;
                }

                kind = CppTokenKind.Number;
            }
            else if (c == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    i += text[i] == '\\' ? 2 : 1;
                }

                i = Math.Min(i + 1, text.Length);
                kind = CppTokenKind.String;
            }
            else
            {
                i += c == '#' && i + 1 < text.Length && text[i + 1] == '#' ? 2 : 1;
                kind = CppTokenKind.Punctuator;
            }

            tokens.Add(new CppToken(kind, text[start..i]));
        }

        return tokens;
    }
}
