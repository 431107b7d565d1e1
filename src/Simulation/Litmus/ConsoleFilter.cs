using System.Text;

namespace KernelModel.Simulation.Litmus;

/// <summary>
/// Which console lines the canonical form keeps (the recovery code's own messages) and how it masks what differs
/// between two machines: frame numbers and addresses (0x... becomes 0x#, a bare hex word of five digits or more
/// becomes #) and pids (:123 becomes :#). The C runner (tools/litmus-runner) does exactly the same.
/// </summary>
public static class ConsoleFilter
{
    private static readonly string[] Prefixes =
    [
        "Memory failure", "Soft offline", "soft offline", "Unpoison", "Injecting memory failure", "Soft offlining", "MCE: Killing", "MCE ",
        "mce: ", "Kernel panic", "Oops",
    ];

    /// <summary>Whether the canonical form keeps the line.</summary>
    public static bool IsRelevant(string message) => Prefixes.Any(p => message.StartsWith(p, StringComparison.Ordinal));

    /// <summary>The line with frame numbers, addresses and pids masked.</summary>
    public static string Normalize(string message)
    {
        var o = new StringBuilder();
        var i = 0;
        while (i < message.Length)
        {
            var atWord = i == 0 || message[i - 1] == ' ';
            if (message[i] == '0' && i + 2 < message.Length && message[i + 1] == 'x' && Uri.IsHexDigit(message[i + 2]))
            {
                i += 2;
                while (i < message.Length && Uri.IsHexDigit(message[i]))
                {
                    i++;
                }

                o.Append("0x#");
                continue;
            }

            if (message[i] == ':' && i + 1 < message.Length && char.IsAsciiDigit(message[i + 1]))
            {
                i++;
                while (i < message.Length && char.IsAsciiDigit(message[i]))
                {
                    i++;
                }

                o.Append(":#");
                continue;
            }

            if (atWord)
            {
                var j = i;
                while (j < message.Length && Uri.IsHexDigit(message[j]))
                {
                    j++;
                }

                if (j - i >= 5 && (j == message.Length || message[j] == ' '))
                {
                    i = j;
                    o.Append('#');
                    continue;
                }
            }

            o.Append(message[i++]);
        }

        return o.ToString().TrimEnd(' ', '\n');
    }

    /// <summary>Whether a normalized line matches an expected pattern ('*' matches any text).</summary>
    public static bool Matches(string line, string pattern)
    {
        var parts = pattern.Split('*');
        if (!line.StartsWith(parts[0], StringComparison.Ordinal))
        {
            return false;
        }

        var at = parts[0].Length;
        for (var k = 1; k < parts.Length; k++)
        {
            var found = k == parts.Length - 1 && parts[k].Length > 0
                ? (line.EndsWith(parts[k], StringComparison.Ordinal) && line.Length - parts[k].Length >= at ? line.Length - parts[k].Length : -1)
                : line.IndexOf(parts[k], at, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            at = found + parts[k].Length;
        }

        return parts.Length > 1 || at == line.Length;
    }
}
