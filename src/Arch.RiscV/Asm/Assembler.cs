using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// GNU as for RISC-V, in the subset kernel copy routines use, over preprocessed lines: statements separated by
/// <c>;</c>, <c>#</c> comments, labels (named, <c>.L</c> and numeric local labels referenced as <c>1f</c> / <c>6b</c>),
/// <c>.macro</c> / <c>.endm</c> with positional and named arguments (<c>\name</c>, <c>\@</c>, <c>\()</c>), the symbol
/// directives SYM_FUNC_* expand to (.globl, .weak, .type, .size, .set/.equ, .balign/.p2align/.align), .text and code
/// .section, .option, and the model's <c>.kmodel_extable</c>. Instructions are those of <see cref="AsmOp"/> and their
/// pseudo-instructions. Anything else stops with an <see cref="AsmException"/> naming the line and the statement.
/// </summary>
public sealed partial class Assembler
{
    private const int MaxMacroDepth = 64;
    private const int MaxExpansions = 1_000_000;
    private static readonly string[] Rv64Only = ["ld", "sd", "lwu", "addiw", "slliw", "srliw", "sraiw", "addw", "subw", "sllw", "srlw", "sraw", "negw", "sext.w"];
    private static readonly string[] IgnoredOptions = ["push", "pop", "rvc", "norvc", "relax", "norelax"];
    private readonly AsmTarget _target;
    private readonly Dictionary<string, GasMacro> _macros = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<AsmInstruction> _instructions = [];
    private readonly Dictionary<string, (ulong Address, SourceLocation At)> _labels = new(StringComparer.Ordinal);
    private readonly Dictionary<int, List<ulong>> _numeric = [];
    private readonly Dictionary<string, SymbolBinding> _bindings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ulong> _sizes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Target, SourceLocation At)> _aliases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _constants = new(StringComparer.Ordinal);
    private readonly List<(LabelReference Insn, LabelReference Fixup, long Type, long Data, Context At)> _extable = [];
    private MacroBuilder? _defining;
    private ulong _address;
    private string _region = string.Empty;
    private int _expansions;

    /// <summary>An assembler for <paramref name="target"/> (XLEN decides the RV64-only instructions and shift ranges).</summary>
    public Assembler(AsmTarget target)
    {
        _target = target;
        _address = target.TextBase;
    }

    /// <summary>Assembles preprocessed lines into a program.</summary>
    /// <param name="lines">The preprocessor's output.</param>
    /// <param name="notes">Notes to carry (e.g. lines of changed files the patch does not show).</param>
    /// <exception cref="AsmException">An unknown instruction, a bad operand, an unsupported directive, an undefined label, a malformed macro.</exception>
    public AsmProgram Assemble(IReadOnlyList<SourceLine> lines, IReadOnlyList<string> notes)
    {
        foreach (var line in lines)
        {
            Line(line.Text, new Context(line.Location, line.Location, []));
        }

        if (_defining is { } open)
        {
            throw new AsmException(open.At, $".macro {open.Name} has no .endm");
        }

        return Link(notes);
    }

    private void Line(string text, Context at)
    {
        if (_defining is { } macro)
        {
            CollectMacroLine(macro, text, at);
            return;
        }

        foreach (var statement in Statements(StripComment(text)))
        {
            Statement(statement, at);
        }
    }

    private void CollectMacroLine(MacroBuilder macro, string text, Context at)
    {
        var word = FirstWord(StripComment(text).Trim()).ToLowerInvariant();
        if (word == ".macro")
        {
            macro.Depth++;
        }
        else if (word == ".endm" && --macro.Depth == 0)
        {
            _macros[macro.Name] = new GasMacro(macro.Name, macro.Parameters, macro.Body.ToArray(), macro.At);
            _defining = null;
            return;
        }

        macro.Body.Add(new SourceLine(at.Location, text));
    }

    private void Statement(string statement, Context at)
    {
        var s = statement.Trim();
        for (var m = LabelPattern().Match(s); m.Success; m = LabelPattern().Match(s))
        {
            DefineLabel(m.Groups[1].Value, at);
            s = s[m.Length..].TrimStart();
        }

        if (s.Length == 0)
        {
            return;
        }

        var word = FirstWord(s);
        var operands = s[word.Length..].Trim();
        var lower = word.ToLowerInvariant();
        if (lower == ".macro")
        {
            StartMacro(operands, at);
        }
        else if (lower == ".endm")
        {
            throw Fail(at, ".endm without .macro");
        }
        else if (_macros.TryGetValue(word, out var macro))
        {
            Expand(macro, operands, at);
        }
        else if (word.StartsWith('.'))
        {
            Directive(lower, operands, s, at);
        }
        else
        {
            var insn = Instruction(lower, operands, s, at);
            insn.Address = _address;
            insn.Index = _instructions.Count;
            insn.Region = _region;
            _instructions.Add(insn);
            _address += (ulong)insn.Size;
        }
    }

    private void DefineLabel(string name, Context at)
    {
        if (char.IsAsciiDigit(name[0]))
        {
            var number = int.Parse(name, NumberStyles.None, CultureInfo.InvariantCulture);
            if (!_numeric.TryGetValue(number, out var definitions))
            {
                _numeric[number] = definitions = [];
            }

            definitions.Add(_address);
            return;
        }

        if (_labels.TryGetValue(name, out var existing) || _aliases.ContainsKey(name) || _constants.ContainsKey(name))
        {
            throw Fail(at, $"label '{name}' is already defined{(existing.At.File is null ? string.Empty : $" at {existing.At}")}");
        }

        _labels[name] = (_address, at.Location);
        _region = name;
    }

    private void StartMacro(string operands, Context at)
    {
        var m = MacroHeader().Match(operands);
        if (!m.Success)
        {
            throw Fail(at, $"malformed .macro '{operands}': expected a name and its parameters");
        }

        var parameters = new List<GasMacroParameter>();
        foreach (var p in SplitMacroArguments(m.Groups[2].Value))
        {
            var pm = MacroParameter().Match(p);
            if (!pm.Success)
            {
                throw Fail(at, $"malformed parameter '{p}' of .macro {m.Groups[1].Value}");
            }

            var qualifier = pm.Groups[2].Value.ToLowerInvariant();
            if (qualifier is not ("" or "req" or "vararg"))
            {
                throw Fail(at, $"unknown qualifier ':{qualifier}' on parameter {pm.Groups[1].Value} of .macro {m.Groups[1].Value}");
            }

            parameters.Add(new GasMacroParameter(pm.Groups[1].Value, pm.Groups[3].Success ? pm.Groups[3].Value.Trim() : string.Empty,
                qualifier == "req", qualifier == "vararg"));
        }

        if (_macros.ContainsKey(m.Groups[1].Value))
        {
            throw Fail(at, $"macro '{m.Groups[1].Value}' is already defined");
        }

        _defining = new MacroBuilder(m.Groups[1].Value, parameters, Primary(at));
    }

    private void Expand(GasMacro macro, string operands, Context at)
    {
        if (at.Macros.Count >= MaxMacroDepth || _expansions >= MaxExpansions)
        {
            throw Fail(at, $"macro expansion nested more than {MaxMacroDepth} deep or more than {MaxExpansions} expansions (does {macro.Name} invoke itself?)");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = 0;
        var arguments = SplitMacroArguments(operands);
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            var named = NamedArgument().Match(argument);
            if (named.Success && macro.Parameters.Any(p => p.Name == named.Groups[1].Value))
            {
                values[named.Groups[1].Value] = named.Groups[2].Value.Trim();
                continue;
            }

            if (named.Success && !macro.Parameters.Any(p => p.Name == named.Groups[1].Value) && macro.Parameters.All(p => !p.VarArg))
            {
                throw Fail(at, $"macro {macro.Name} has no parameter '{named.Groups[1].Value}' (its parameters: {ParameterList(macro)})");
            }

            if (positional >= macro.Parameters.Count)
            {
                throw Fail(at, $"too many arguments for macro {macro.Name}: it takes {macro.Parameters.Count} ({ParameterList(macro)}), got '{operands}'");
            }

            var parameter = macro.Parameters[positional++];
            if (parameter.VarArg)
            {
                values[parameter.Name] = string.Join(", ", arguments.Skip(i));
                break;
            }

            values[parameter.Name] = argument;
        }

        foreach (var p in macro.Parameters)
        {
            if (!values.ContainsKey(p.Name))
            {
                values[p.Name] = p.Required ? throw Fail(at, $"macro {macro.Name} requires a value for parameter '{p.Name}'") : p.Default;
            }
        }

        var expansion = _expansions++;
        var inner = at with { Macros = [.. at.Macros, macro.Name] };
        foreach (var line in macro.Body)
        {
            Line(Substitute(line.Text, values, expansion), inner with { Location = line.Location });
        }
    }

    private static string ParameterList(GasMacro macro) => string.Join(", ", macro.Parameters.Select(p => p.Name));

    // GNU as: \name is the argument, \@ the number of macros expanded so far, \() separates a name from what follows.
    private static string Substitute(string text, Dictionary<string, string> values, int expansion)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                result.Append(text[i]);
                continue;
            }

            if (text[i + 1] == '@')
            {
                result.Append(expansion.ToString(CultureInfo.InvariantCulture));
                i++;
                continue;
            }

            if (text[i + 1] == '(' && i + 2 < text.Length && text[i + 2] == ')')
            {
                i += 2;
                continue;
            }

            var end = i + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            if (values.TryGetValue(text[(i + 1)..end], out var value))
            {
                result.Append(value);
                i = end - 1;
            }
            else
            {
                result.Append(text[i]);
            }
        }

        return result.ToString();
    }

    // GNU as separates macro arguments with commas or blanks; parentheses and quotes keep an argument whole.
    private static List<string> SplitMacroArguments(string operands)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        var inQuote = false;
        var blankPending = false;
        var sawComma = false;
        foreach (var c in operands)
        {
            if (inQuote)
            {
                current.Append(c);
                inQuote = c != '"';
                continue;
            }

            if (depth == 0 && c == ',')
            {
                arguments.Add(current.ToString().Trim());
                current.Clear();
                blankPending = false;
                sawComma = true;
                continue;
            }

            if (depth == 0 && char.IsWhiteSpace(c))
            {
                blankPending = current.Length > 0;
                continue;
            }

            if (blankPending && c != '=' && current.Length > 0 && current[^1] != '=')
            {
                arguments.Add(current.ToString().Trim());
                current.Clear();
            }

            blankPending = false;
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            inQuote = c == '"';
            current.Append(c);
        }

        if (current.Length > 0 || sawComma)
        {
            arguments.Add(current.ToString().Trim());
        }

        return arguments;
    }

    private void Directive(string name, string operands, string statement, Context at)
    {
        var args = SplitOperands(operands);
        switch (name)
        {
            case ".globl" or ".global":
                SetBinding(args, SymbolBinding.Global, at);
                break;
            case ".weak":
                SetBinding(args, SymbolBinding.Weak, at);
                break;
            case ".local":
                SetBinding(args, SymbolBinding.Local, at);
                break;
            case ".type":
                if (args.Count != 2)
                {
                    throw Fail(at, $"expected '.type name, @function', got '{statement}'");
                }

                if (args[1] is "@function" or "%function" or "STT_FUNC")
                {
                    _functions.Add(args[0]);
                }

                break;
            case ".size":
                if (args.Count != 2)
                {
                    throw Fail(at, $"expected '.size name, expression', got '{statement}'");
                }

                _sizes[args[0]] = (ulong)Evaluate(args[1], at, dotIsAddress: true);
                break;
            case ".set" or ".equ":
                Set(args, statement, at);
                break;
            case ".balign":
                Align(args.Count > 0 ? Evaluate(args[0], at) : 0, statement, at);
                break;
            case ".p2align" or ".align":
                // On RISC-V .align takes a power of two, as .p2align does.
                Align(args.Count > 0 ? 1L << (int)Math.Clamp(Evaluate(args[0], at), 0, 30) : 0, statement, at);
                break;
            case ".text":
                break;
            case ".section":
                if (args.Count == 0 || !args[0].Contains(".text", StringComparison.Ordinal))
                {
                    throw Fail(at, $"unsupported section in '{statement}': the model assembles code sections (.text) only");
                }

                break;
            case ".option":
                if (args.Count != 1 || !IgnoredOptions.Contains(args[0]))
                {
                    throw Fail(at, $"unsupported directive '{statement}': the model accepts .option {string.Join("/", IgnoredOptions)}");
                }

                break;
            case ".kmodel_extable":
                if (args.Count != 4)
                {
                    throw Fail(at, $"expected '.kmodel_extable insn, fixup, type, data', got '{statement}'");
                }

                _extable.Add((Label(args[0], at), Label(args[1], at), Evaluate(args[2], at), Evaluate(args[3], at), at));
                break;
            default:
                throw Fail(at, $"unsupported directive '{name}' in '{statement}'");
        }
    }

    private void SetBinding(List<string> names, SymbolBinding binding, Context at)
    {
        if (names.Count == 0)
        {
            throw Fail(at, "expected a symbol name");
        }

        foreach (var n in names)
        {
            _bindings[n] = binding;
        }
    }

    private void Set(List<string> args, string statement, Context at)
    {
        if (args.Count != 2 || !IsSymbol(args[0]))
        {
            throw Fail(at, $"expected '.set name, expression', got '{statement}'");
        }

        if (_labels.ContainsKey(args[0]) || _aliases.ContainsKey(args[0]))
        {
            throw Fail(at, $"symbol '{args[0]}' is already defined");
        }

        // A bare symbol that is not a constant names an address: an alias (the label may come later).
        if (IsSymbol(args[1]) && !_constants.ContainsKey(args[1]))
        {
            _aliases[args[0]] = (args[1], Primary(at));
        }
        else
        {
            _constants[args[0]] = Evaluate(args[1], at);
        }
    }

    private void Align(long bytes, string statement, Context at)
    {
        if (bytes <= 0 || (bytes & (bytes - 1)) != 0)
        {
            throw Fail(at, $"alignment in '{statement}' must be a power of two");
        }

        var mask = (ulong)bytes - 1;
        _address = (_address + mask) & ~mask;
    }

    private long Evaluate(string text, Context at, bool dotIsAddress = false) =>
        Expression.Evaluate(text, ExpressionDialect.Gas, name =>
        {
            if (_constants.TryGetValue(name, out var value))
            {
                return value;
            }

            if (dotIsAddress && name == ".")
            {
                return (long)_address;
            }

            if (dotIsAddress && _labels.TryGetValue(name, out var label))
            {
                return (long)label.Address;
            }

            return _labels.ContainsKey(name) || name == "."
                ? throw Fail(at, $"'{name}' is an address; the model assembles no relocations, so it cannot be an operand value in '{text.Trim()}'")
                : null;
        }, Primary(at));

    private LabelReference Label(string text, Context at)
    {
        var t = text.Trim();
        var m = NumericReference().Match(t);
        if (m.Success)
        {
            var number = int.Parse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            var before = _numeric.TryGetValue(number, out var defs) ? defs.Count : 0;
            return new LabelReference(t, null, number, m.Groups[2].Value == "f", before, Primary(at));
        }

        return IsSymbol(t)
            ? new LabelReference(t, t, 0, false, 0, Primary(at))
            : throw Fail(at, $"expected a label, got '{t}'");
    }

    private AsmInstruction Instruction(string mnemonic, string operands, string statement, Context at)
    {
        var ops = SplitOperands(operands);
        if (_target.Xlen == 32 && Rv64Only.Contains(mnemonic))
        {
            throw Fail(at, $"'{statement}': {mnemonic} is an RV64 instruction, not in RV32I");
        }

        var shiftLimit = _target.Xlen - 1;
        var origin = at.Origin;
        var display = new List<string>();

        void Count(int n, string form)
        {
            if (ops.Count != n)
            {
                throw Fail(at, $"'{statement}': {mnemonic} takes {form}");
            }
        }

        int Reg(int i)
        {
            var r = AsmRegisters.Parse(ops[i]) ?? throw Fail(at, $"'{statement}': '{ops[i]}' is not a register");
            display.Add(AsmRegisters.AbiNames[r]);
            return r;
        }

        long Imm(int i, long min, long max)
        {
            var v = Evaluate(ops[i], at);
            if (v < min || v > max)
            {
                throw Fail(at, $"'{statement}': immediate {v} is out of range for {mnemonic} ({min}..{max})");
            }

            display.Add(v.ToString(CultureInfo.InvariantCulture));
            return v;
        }

        (long Offset, int Base) Mem(int i)
        {
            var m = MemoryOperand().Match(ops[i]);
            if (!m.Success)
            {
                throw Fail(at, $"'{statement}': expected offset(register), got '{ops[i]}'");
            }

            var offset = string.IsNullOrWhiteSpace(m.Groups[1].Value) ? 0 : Evaluate(m.Groups[1].Value, at);
            if (offset is < -2048 or > 2047)
            {
                throw Fail(at, $"'{statement}': offset {offset} is out of range for {mnemonic} (-2048..2047)");
            }

            var r = AsmRegisters.Parse(m.Groups[2].Value) ?? throw Fail(at, $"'{statement}': '{m.Groups[2].Value}' is not a register");
            display.Add(string.Create(CultureInfo.InvariantCulture, $"{offset}({AsmRegisters.AbiNames[r]})"));
            return (offset, r);
        }

        LabelReference Target(int i)
        {
            display.Add(ops[i].Trim());
            return Label(ops[i], at);
        }

        AsmInstruction Make(AsmOp op, int rd = 0, int rs1 = 0, int rs2 = 0, long imm = 0, LabelReference? target = null, int size = 4) =>
            new(op, display.Count == 0 ? mnemonic : $"{mnemonic} {string.Join(", ", display)}", at.Location, origin, at.Macros)
            {
                Rd = rd, Rs1 = rs1, Rs2 = rs2, Immediate = imm, Target = target, Size = size,
            };

        switch (mnemonic)
        {
            case "lb" or "lh" or "lw" or "ld" or "lbu" or "lhu" or "lwu":
            {
                Count(2, "rd, offset(rs1)");
                var rd = Reg(0);
                var (offset, rs1) = Mem(1);
                return Make(Enum.Parse<AsmOp>(mnemonic, ignoreCase: true), rd, rs1, imm: offset);
            }

            case "sb" or "sh" or "sw" or "sd":
            {
                Count(2, "rs2, offset(rs1)");
                var rs2 = Reg(0);
                var (offset, rs1) = Mem(1);
                return Make(Enum.Parse<AsmOp>(mnemonic, ignoreCase: true), rs1: rs1, rs2: rs2, imm: offset);
            }

            case "addi" or "slti" or "sltiu" or "xori" or "ori" or "andi" or "addiw":
                Count(3, "rd, rs1, imm");
                return Make(Enum.Parse<AsmOp>(mnemonic, ignoreCase: true), Reg(0), Reg(1), imm: Imm(2, -2048, 2047));
            case "slli" or "srli" or "srai":
                Count(3, "rd, rs1, shamt");
                return Make(Enum.Parse<AsmOp>(mnemonic, ignoreCase: true), Reg(0), Reg(1), imm: Imm(2, 0, shiftLimit));
            case "slliw" or "srliw" or "sraiw":
                Count(3, "rd, rs1, shamt");
                return Make(Enum.Parse<AsmOp>(mnemonic, ignoreCase: true), Reg(0), Reg(1), imm: Imm(2, 0, 31));
            case "add" or "sub" or "sll" or "slt" or "sltu" or "xor" or "srl" or "sra" or "or" or "and" or "addw" or "subw" or "sllw" or "srlw" or "sraw":
                Count(3, "rd, rs1, rs2");
                return Make(Enum.Parse<AsmOp>(mnemonic, ignoreCase: true), Reg(0), Reg(1), Reg(2));
            case "lui" or "auipc":
                Count(2, "rd, imm (0..1048575)");
                return Make(Enum.Parse<AsmOp>(mnemonic, ignoreCase: true), Reg(0), imm: Imm(1, 0, 0xfffff));
            case "beq" or "bne" or "blt" or "bge" or "bltu" or "bgeu":
                Count(3, "rs1, rs2, label");
                return Make(Enum.Parse<AsmOp>(mnemonic, ignoreCase: true), rs1: Reg(0), rs2: Reg(1), target: Target(2));
            case "beqz" or "bnez" or "blez" or "bgez" or "bltz" or "bgtz":
            {
                Count(2, "rs, label");
                var rs = Reg(0);
                var target = Target(1);
                return mnemonic switch
                {
                    "beqz" => Make(AsmOp.Beq, rs1: rs, target: target),
                    "bnez" => Make(AsmOp.Bne, rs1: rs, target: target),
                    "blez" => Make(AsmOp.Bge, rs2: rs, target: target),
                    "bgez" => Make(AsmOp.Bge, rs1: rs, target: target),
                    "bltz" => Make(AsmOp.Blt, rs1: rs, target: target),
                    _ => Make(AsmOp.Blt, rs2: rs, target: target),
                };
            }

            case "bgt" or "ble" or "bgtu" or "bleu":
            {
                // The operands swap: bgt a, b is blt b, a.
                Count(3, "rs1, rs2, label");
                var rs1 = Reg(0);
                var rs2 = Reg(1);
                var target = Target(2);
                var op = mnemonic switch { "bgt" => AsmOp.Blt, "ble" => AsmOp.Bge, "bgtu" => AsmOp.Bltu, _ => AsmOp.Bgeu };
                return Make(op, rs1: rs2, rs2: rs1, target: target);
            }

            case "j":
                Count(1, "label");
                return Make(AsmOp.Jal, 0, target: Target(0));
            case "jal":
                if (ops.Count == 1)
                {
                    return Make(AsmOp.Jal, AsmRegisters.Ra, target: Target(0));
                }

                Count(2, "[rd,] label");
                return Make(AsmOp.Jal, Reg(0), target: Target(1));
            case "jr":
                Count(1, "rs");
                return Make(AsmOp.Jalr, 0, Reg(0));
            case "ret":
                Count(0, "no operands");
                return Make(AsmOp.Jalr, 0, AsmRegisters.Ra);
            case "jalr":
                return ops.Count switch
                {
                    1 => Make(AsmOp.Jalr, AsmRegisters.Ra, Reg(0)),
                    2 when MemoryOperand().IsMatch(ops[1]) => JalrMemory(),
                    2 => Make(AsmOp.Jalr, Reg(0), Reg(1)),
                    3 => Make(AsmOp.Jalr, Reg(0), Reg(1), imm: Imm(2, -2048, 2047)),
                    _ => throw Fail(at, $"'{statement}': jalr takes rs, or rd, rs[, imm], or rd, imm(rs)"),
                };
            case "mv" or "move":
                Count(2, "rd, rs");
                return Make(AsmOp.Addi, Reg(0), Reg(1));
            case "li":
            {
                Count(2, "rd, imm");
                var rd = Reg(0);
                var value = _target.Xlen == 64 ? Imm(1, long.MinValue, long.MaxValue) : Imm(1, int.MinValue, uint.MaxValue);
                return Make(AsmOp.Li, rd, imm: value, size: 4 * LiLength(value, _target.Xlen));
            }

            case "nop":
                Count(0, "no operands");
                return Make(AsmOp.Addi);
            case "not" or "neg" or "negw" or "sext.w" or "seqz" or "snez" or "sltz" or "sgtz":
            {
                Count(2, "rd, rs");
                var rd = Reg(0);
                var rs = Reg(1);
                return mnemonic switch
                {
                    "not" => Make(AsmOp.Xori, rd, rs, imm: -1),
                    "neg" => Make(AsmOp.Sub, rd, 0, rs),
                    "negw" => Make(AsmOp.Subw, rd, 0, rs),
                    "sext.w" => Make(AsmOp.Addiw, rd, rs),
                    "seqz" => Make(AsmOp.Sltiu, rd, rs, imm: 1),
                    "snez" => Make(AsmOp.Sltu, rd, 0, rs),
                    "sltz" => Make(AsmOp.Slt, rd, rs, 0),
                    _ => Make(AsmOp.Slt, rd, 0, rs),
                };
            }

            default:
                throw Fail(at, $"unknown instruction '{statement}': the model assembles RV64I/RV32I loads, stores, integer arithmetic, logic, shifts, set-less-than, lui/auipc, branches, jal/jalr and their pseudo-instructions");
        }

        AsmInstruction JalrMemory()
        {
            var rd = Reg(0);
            var (offset, rs1) = Mem(1);
            return Make(AsmOp.Jalr, rd, rs1, imm: offset);
        }
    }

    // The lui/addi(w)/slli sequence li expands to: one instruction for a 12-bit value, lui (+addi) for 32 bits, and for
    // wider RV64 values the sequence for the upper part, a shift and an addi for the low 12 bits.
    private static int LiLength(long value, int xlen)
    {
        if (xlen == 32)
        {
            value = (int)value;
        }

        if (value is >= -2048 and <= 2047)
        {
            return 1;
        }

        if (value is >= int.MinValue and <= int.MaxValue)
        {
            return (value & 0xfff) == 0 ? 1 : 2;
        }

        var low = ((value & 0xfff) ^ 0x800) - 0x800;
        var high = (value - low) >> 12;
        while ((high & 1) == 0)
        {
            high >>= 1;
        }

        return LiLength(high, 64) + 1 + (low != 0 ? 1 : 0);
    }

    private AsmProgram Link(IReadOnlyList<string> notes)
    {
        var byAddress = new Dictionary<ulong, int>();
        foreach (var insn in _instructions)
        {
            byAddress.TryAdd(insn.Address, insn.Index);
        }

        AsmInstruction At(LabelReference label)
        {
            var address = Resolve(label);
            return byAddress.TryGetValue(address, out var index)
                ? _instructions[index]
                : throw new AsmException(label.Location, $"label '{label.Text}' is not followed by an instruction");
        }

        foreach (var insn in _instructions.Where(i => i.Target is not null))
        {
            insn.TargetIndex = At(insn.Target!).Index;
        }

        var extable = new List<AsmExtableRecord>();
        foreach (var (insnLabel, fixupLabel, type, data, at) in _extable)
        {
            var name = RiscVExtableTypes.NameOf(type) ?? throw Fail(at, $"exception-table type {type} is not a RISC-V EX_TYPE_* value");
            var insn = At(insnLabel);
            if (extable.FirstOrDefault(e => e.Instruction == insn) is { } twice)
            {
                throw Fail(at, $"a second exception-table entry for '{insn.Text}' (the first is at {twice.Location})");
            }

            extable.Add(new AsmExtableRecord(insn, At(fixupLabel), fixupLabel.Text, (int)type, name, (int)data, Primary(at)));
        }

        var symbols = new List<AsmSymbol>();
        foreach (var (name, (address, location)) in _labels)
        {
            symbols.Add(new AsmSymbol(name, address, _bindings.GetValueOrDefault(name), _functions.Contains(name),
                _sizes.TryGetValue(name, out var size) ? size : null, null, location));
        }

        foreach (var (name, (target, location)) in _aliases)
        {
            var address = Resolve(new LabelReference(target, target, 0, false, 0, location));
            var final = FinalName(target);
            symbols.Add(new AsmSymbol(name, address, _bindings.GetValueOrDefault(name), _functions.Contains(final) || _functions.Contains(name),
                _sizes.TryGetValue(final, out var size) ? size : null, target, location));
        }

        return new AsmProgram(_target, _instructions.ToArray(), symbols.OrderBy(s => s.Address).ThenBy(s => s.Name, StringComparer.Ordinal).ToArray(),
            extable, notes);
    }

    private string FinalName(string name)
    {
        for (var hops = 0; _aliases.TryGetValue(name, out var alias) && hops < 64; hops++)
        {
            name = alias.Target;
        }

        return name;
    }

    private ulong Resolve(LabelReference label)
    {
        if (label.Name is { } name)
        {
            var final = FinalName(name);
            return _labels.TryGetValue(final, out var l)
                ? l.Address
                : throw new AsmException(label.Location, $"undefined label '{name}'");
        }

        var definitions = _numeric.GetValueOrDefault(label.Number) ?? [];
        var index = label.Forward ? label.DefinitionsBefore : label.DefinitionsBefore - 1;
        return index >= 0 && index < definitions.Count
            ? definitions[index]
            : throw new AsmException(label.Location,
                $"local label '{label.Text}' has no {(label.Forward ? "later" : "earlier")} definition '{label.Number}:'");
    }

    private static bool IsSymbol(string text) => SymbolPattern().IsMatch(text.Trim());

    private static string FirstWord(string s)
    {
        var end = 0;
        while (end < s.Length && !char.IsWhiteSpace(s[end]) && s[end] != ',')
        {
            end++;
        }

        return s[..end];
    }

    private static List<string> SplitOperands(string operands)
    {
        var result = new List<string>();
        if (string.IsNullOrWhiteSpace(operands))
        {
            return result;
        }

        var depth = 0;
        var inQuote = false;
        var start = 0;
        for (var i = 0; i < operands.Length; i++)
        {
            var c = operands[i];
            inQuote ^= c == '"';
            if (inQuote)
            {
                continue;
            }

            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0)
            {
                result.Add(operands[start..i].Trim());
                start = i + 1;
            }
        }

        result.Add(operands[start..].Trim());
        return result;
    }

    private static IEnumerable<string> Statements(string text) => SplitOutsideQuotes(text, ';');

    // '#' starts a comment on RISC-V (the preprocessor has already taken the directives).
    private static string StripComment(string text)
    {
        var inQuote = false;
        for (var i = 0; i < text.Length; i++)
        {
            inQuote ^= text[i] == '"';
            if (!inQuote && text[i] == '#')
            {
                return text[..i];
            }
        }

        return text;
    }

    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var inQuote = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            inQuote ^= text[i] == '"';
            if (!inQuote && text[i] == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static SourceLocation Primary(Context at) => at.Origin;

    // Errors name the line the reviewer reads; inside a macro they add the body line that produced the statement.
    private static AsmException Fail(Context at, string detail) => at.Macros.Count == 0
        ? new AsmException(at.Location, detail)
        : new AsmException(at.Origin, $"{detail} (in macro {string.Join(" > ", at.Macros)}, {at.Location})");

    [GeneratedRegex(@"^([A-Za-z_.$][A-Za-z0-9_.$]*|[0-9]+)\s*:")]
    private static partial Regex LabelPattern();

    [GeneratedRegex(@"^([A-Za-z_.$][A-Za-z0-9_.$]*)\s*,?\s*(.*)$")]
    private static partial Regex MacroHeader();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+))?(?:\s*=\s*(.*))?$")]
    private static partial Regex MacroParameter();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")]
    private static partial Regex NamedArgument();

    [GeneratedRegex(@"^([0-9]+)([fb])$")]
    private static partial Regex NumericReference();

    [GeneratedRegex(@"^[A-Za-z_.$][A-Za-z0-9_.$]*$")]
    private static partial Regex SymbolPattern();

    [GeneratedRegex(@"^\s*(.*?)\s*\(\s*([A-Za-z0-9]+)\s*\)\s*$")]
    private static partial Regex MemoryOperand();

    private sealed record Context(SourceLocation Location, SourceLocation Origin, IReadOnlyList<string> Macros);

    private sealed class MacroBuilder(string name, IReadOnlyList<GasMacroParameter> parameters, SourceLocation at)
    {
        public string Name { get; } = name;

        public IReadOnlyList<GasMacroParameter> Parameters { get; } = parameters;

        public SourceLocation At { get; } = at;

        public List<SourceLine> Body { get; } = [];

        public int Depth { get; set; } = 1;
    }
}
