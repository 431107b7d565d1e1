using System.Globalization;

namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// Integer expressions of the preprocessor's <c>#if</c> and of assembler operands: literals (decimal, 0x, 0b, leading-0
/// octal, C suffixes U/L), identifiers resolved by the caller, parentheses, unary <c>- + ~ !</c> and the binary
/// operators with the dialect's precedence. Arithmetic wraps at 64 bits.
/// </summary>
public sealed class Expression
{
    private readonly string _text;
    private readonly ExpressionDialect _dialect;
    private readonly Func<string, long?> _symbol;
    private const int MaxNesting = 200;
    private readonly SourceLocation _at;
    private int _pos;
    private int _nesting;

    private Expression(string text, ExpressionDialect dialect, Func<string, long?> symbol, SourceLocation at)
    {
        _text = text;
        _dialect = dialect;
        _symbol = symbol;
        _at = at;
    }

    /// <summary>Evaluates <paramref name="text"/>.</summary>
    /// <param name="text">The expression.</param>
    /// <param name="dialect">Whose precedence.</param>
    /// <param name="symbol">An identifier's value, or null when it has none (an error in the gas dialect, 0 for the preprocessor).</param>
    /// <param name="at">Where the expression is, for errors.</param>
    /// <exception cref="AsmException">A syntax error, an undefined symbol or a division by zero.</exception>
    public static long Evaluate(string text, ExpressionDialect dialect, Func<string, long?> symbol, SourceLocation at)
    {
        var e = new Expression(text, dialect, symbol, at);
        var value = e.Ternary();
        e.SkipSpace();
        if (e._pos < text.Length)
        {
            throw new AsmException(at, $"unexpected '{text[e._pos..]}' in expression '{text.Trim()}'");
        }

        return value;
    }

    /// <summary>Whether <paramref name="c"/> can continue an identifier (gas symbols also hold '.' and '$').</summary>
    public static bool IsIdentifierChar(char c, ExpressionDialect dialect) =>
        char.IsAsciiLetterOrDigit(c) || c == '_' || (dialect == ExpressionDialect.Gas && c is '.' or '$');

    private long Ternary()
    {
        var condition = Binary(0);
        if (_dialect != ExpressionDialect.Preprocessor || !Accept("?"))
        {
            return condition;
        }

        var then = Ternary();
        Expect(":");
        var otherwise = Ternary();
        return condition != 0 ? then : otherwise;
    }

    private long Binary(int minLevel)
    {
        var left = Unary();
        while (true)
        {
            SkipSpace();
            var op = PeekOperator();
            if (op is null || Level(op) is not { } level || level < minLevel)
            {
                return left;
            }

            _pos += op.Length;
            var right = Binary(level + 1);
            left = Apply(op, left, right);
        }
    }

    private long Unary()
    {
        if (++_nesting > MaxNesting)
        {
            throw new AsmException(_at, $"expression '{_text.Trim()}' is nested more than {MaxNesting} deep");
        }

        try
        {
            return UnaryOperand();
        }
        finally
        {
            _nesting--;
        }
    }

    private long UnaryOperand()
    {
        SkipSpace();
        if (Accept("-"))
        {
            return unchecked(-Unary());
        }

        if (Accept("+"))
        {
            return Unary();
        }

        if (Accept("~"))
        {
            return ~Unary();
        }

        if (Accept("!"))
        {
            return Unary() == 0 ? 1 : 0;
        }

        return Primary();
    }

    private long Primary()
    {
        SkipSpace();
        if (_pos >= _text.Length)
        {
            throw new AsmException(_at, $"expression '{_text.Trim()}' ends where a value was expected");
        }

        var c = _text[_pos];
        if (c == '(')
        {
            _pos++;
            var value = Ternary();
            Expect(")");
            return value;
        }

        if (char.IsAsciiDigit(c))
        {
            return Number();
        }

        if (IsIdentifierChar(c, _dialect))
        {
            var start = _pos;
            while (_pos < _text.Length && IsIdentifierChar(_text[_pos], _dialect))
            {
                _pos++;
            }

            var name = _text[start.._pos];
            return _symbol(name) ?? (_dialect == ExpressionDialect.Preprocessor
                ? 0
                : throw new AsmException(_at, $"undefined symbol '{name}' in expression '{_text.Trim()}'"));
        }

        throw new AsmException(_at, $"unexpected '{c}' in expression '{_text.Trim()}'");
    }

    private long Number()
    {
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiLetterOrDigit(_text[_pos]))
        {
            _pos++;
        }

        var token = _text[start.._pos];
        var digits = token.TrimEnd('u', 'U', 'l', 'L');
        if (_dialect == ExpressionDialect.Gas && digits.Length > 0 && digits[^1] is 'b' or 'f' && digits[..^1].All(char.IsAsciiDigit))
        {
            throw new AsmException(_at, $"local label reference '{token}' cannot be used in the expression '{_text.Trim()}'");
        }

        var (body, radix) = digits switch
        {
            _ when digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase) => (digits[2..], 16),
            _ when digits.StartsWith("0b", StringComparison.OrdinalIgnoreCase) => (digits[2..], 2),
            _ when digits.Length > 1 && digits[0] == '0' => (digits[1..], 8),
            _ => (digits, 10),
        };
        try
        {
            return radix == 10
                ? unchecked((long)ulong.Parse(body, NumberStyles.None, CultureInfo.InvariantCulture))
                : unchecked((long)Convert.ToUInt64(body, radix));
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new AsmException(_at, $"invalid number '{token}' in expression '{_text.Trim()}'");
        }
    }

    private int? Level(string op) => _dialect == ExpressionDialect.Preprocessor
        ? op switch
        {
            "||" => 0,
            "&&" => 1,
            "|" => 2,
            "^" => 3,
            "&" => 4,
            "==" or "!=" => 5,
            "<" or ">" or "<=" or ">=" => 6,
            "<<" or ">>" => 7,
            "+" or "-" => 8,
            "*" or "/" or "%" => 9,
            _ => null,
        }
        : op switch
        {
            "||" or "&&" => 0,
            "+" or "-" or "==" or "!=" or "<>" or "<" or ">" or "<=" or ">=" => 1,
            "|" or "&" or "^" => 2,
            "*" or "/" or "%" or "<<" or ">>" => 3,
            _ => null,
        };

    private long Apply(string op, long a, long b) => op switch
    {
        "||" => a != 0 || b != 0 ? 1 : 0,
        "&&" => a != 0 && b != 0 ? 1 : 0,
        "|" => a | b,
        "^" => a ^ b,
        "&" => a & b,
        "==" => a == b ? 1 : 0,
        "!=" or "<>" => a != b ? 1 : 0,
        "<" => a < b ? 1 : 0,
        ">" => a > b ? 1 : 0,
        "<=" => a <= b ? 1 : 0,
        ">=" => a >= b ? 1 : 0,
        "<<" => a << (int)(b & 63),
        ">>" => a >> (int)(b & 63),
        "+" => unchecked(a + b),
        "-" => unchecked(a - b),
        "*" => unchecked(a * b),
        "/" => b == 0 ? throw DivisionByZero() : (a == long.MinValue && b == -1 ? a : a / b),
        "%" => b == 0 ? throw DivisionByZero() : (b == -1 ? 0 : a % b),
        _ => throw new AsmException(_at, $"unknown operator '{op}'"),
    };

    private AsmException DivisionByZero() => new(_at, $"division by zero in expression '{_text.Trim()}'");

    private string? PeekOperator()
    {
        foreach (var op in (ReadOnlySpan<string>)["||", "&&", "==", "!=", "<>", "<=", ">=", "<<", ">>", "|", "^", "&", "<", ">", "+", "-", "*", "/", "%"])
        {
            if (string.CompareOrdinal(_text, _pos, op, 0, op.Length) == 0)
            {
                return op;
            }
        }

        return null;
    }

    private bool Accept(string token)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _pos, token, 0, token.Length) != 0)
        {
            return false;
        }

        _pos += token.Length;
        return true;
    }

    private void Expect(string token)
    {
        if (!Accept(token))
        {
            throw new AsmException(_at, $"expected '{token}' in expression '{_text.Trim()}'");
        }
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }
}
