using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>kstrtoull() (lib/kstrtox.c) as sysfs and debugfs stores parse a written number.</summary>
internal static class Kstrtoull
{
    /// <summary>
    /// Parses <paramref name="text"/> with base 0 ("0x" hex, a leading "0" octal, else decimal) as the sysfs and
    /// debugfs stores call it, allowing one trailing newline: 0, -EINVAL for a malformed number or -ERANGE on overflow.
    /// </summary>
    [KernelSymbol("lib/kstrtox.c", "kstrtoull")]
    public static int Parse(string text, out ulong value)
    {
        uint radix;
        value = 0;
        var s = text.EndsWith('\n') ? text[..^1] : text;
        if (s.StartsWith('+'))
        {
            s = s[1..];
        }

        if (s.Length > 2 && s[0] == '0' && (s[1] is 'x' or 'X') && Uri.IsHexDigit(s[2]))
        {
            radix = 16;
            s = s[2..];
        }
        else
        {
            radix = s.Length > 1 && s[0] == '0' ? 8u : 10u;
        }

        if (s.Length == 0)
        {
            return -Errno.EINVAL;
        }

        foreach (var c in s)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => (uint)(c - '0'),
                >= 'a' and <= 'f' => (uint)(c - 'a' + 10),
                >= 'A' and <= 'F' => (uint)(c - 'A' + 10),
                _ => uint.MaxValue,
            };
            if (digit >= radix)
            {
                return -Errno.EINVAL;
            }

            if (value > (ulong.MaxValue - digit) / radix)
            {
                return -ERange;
            }

            value = (value * radix) + digit;
        }

        return 0;
    }

    /// <summary>ERANGE (34), which kstrtoull returns on overflow.</summary>
    public const int ERange = 34;
}
