using System.Buffers.Binary;

namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// Executes an assembled program on a machine's current CPU, one instruction at a time, with XLEN-wide registers.
/// Every load and store goes through <see cref="Cpu.Load"/> / <see cref="Cpu.Store"/> with the instruction's
/// <see cref="CodeSite"/>, so poison is checked and trapped exactly as for the C# backends; when the architecture's
/// trap takes a fixup (<see cref="AccessResult.Fixup"/>), execution resumes at the instruction the exception-table
/// entry names, as the kernel's fixup_exception() sets the PC. A kernel death in the trap propagates as it does for
/// any routine. A call returns when it jumps to the return address it was given in ra.
/// </summary>
public sealed class AsmInterpreter
{
    /// <summary>The most instructions one call may execute before it is taken for a routine that does not return.</summary>
    public const long MaxSteps = 50_000_000;

    /// <summary>ra at entry: an address outside the text; jumping to it returns from the call.</summary>
    public const ulong ReturnAddress = 0;

    private readonly Machine _machine;
    private readonly AsmProgram _program;
    private readonly AsmInstruction[] _code;
    private readonly int[] _fixups;
    private readonly ulong _mask;
    private readonly bool _rv64;

    /// <summary>An interpreter of <paramref name="program"/> on <paramref name="machine"/>.</summary>
    public AsmInterpreter(Machine machine, AsmProgram program)
    {
        _machine = machine;
        _program = program;
        _code = program.Instructions.ToArray();
        _fixups = Enumerable.Repeat(-1, _code.Length).ToArray();
        foreach (var e in program.Extable)
        {
            _fixups[e.Instruction.Index] = e.Fixup.Index;
        }

        _rv64 = program.Target.Xlen == 64;
        _mask = _rv64 ? ulong.MaxValue : uint.MaxValue;
    }

    /// <summary>Calls <paramref name="routine"/> with <paramref name="arguments"/> in a0, a1, ... on the machine's current CPU.</summary>
    /// <exception cref="AsmException">The routine jumps outside the text, runs past its end, or does not return.</exception>
    /// <exception cref="KernelDiedException">The trap handler killed the kernel.</exception>
    public AsmCall Call(AsmRoutine routine, params ulong[] arguments)
    {
        if (arguments.Length > 8)
        {
            throw new ArgumentException($"{arguments.Length} arguments: a0..a7 hold at most 8", nameof(arguments));
        }

        var x = new ulong[32];
        for (var i = 0; i < arguments.Length; i++)
        {
            x[AsmRegisters.A0 + i] = arguments[i] & _mask;
        }

        x[AsmRegisters.Ra] = ReturnAddress;
        var cpu = _machine.CurrentCpu;
        var faults = new List<AsmFault>();
        Span<byte> buffer = stackalloc byte[8];
        var pc = routine.Entry.Index;
        long steps = 0;
        var misaligned = 0;
        var region = -1;
        long regionAccesses = 0, stored = 0, storedAtRegion = 0;
        while (true)
        {
            var insn = _code[pc];
            if (++steps > MaxSteps)
            {
                throw new AsmException(insn.Origin, $"{routine.Name} did not return within {MaxSteps} instructions (now at '{insn.Text}')");
            }

            if (insn.RegionId != region)
            {
                region = insn.RegionId;
                regionAccesses = 0;
                storedAtRegion = stored;
            }

            var next = pc + 1;
            ulong a = x[insn.Rs1], b = x[insn.Rs2];
            var imm = (ulong)insn.Immediate;
            switch (insn.Op)
            {
                case AsmOp.Lb or AsmOp.Lh or AsmOp.Lw or AsmOp.Ld or AsmOp.Lbu or AsmOp.Lhu or AsmOp.Lwu:
                {
                    var va = (a + imm) & _mask;
                    var bytes = buffer[..insn.AccessBytes];
                    misaligned += va % (ulong)bytes.Length == 0 ? 0 : 1;
                    if (Access(cpu.Load(insn.Site!, va, bytes), insn, va, regionAccesses++ == 0, stored - storedAtRegion, faults) is { } fixup)
                    {
                        next = fixup;
                        break;
                    }

                    Write(x, insn.Rd, insn.Op switch
                    {
                        AsmOp.Lb => (ulong)(sbyte)bytes[0],
                        AsmOp.Lbu => bytes[0],
                        AsmOp.Lh => (ulong)BinaryPrimitives.ReadInt16LittleEndian(bytes),
                        AsmOp.Lhu => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
                        AsmOp.Lw => (ulong)BinaryPrimitives.ReadInt32LittleEndian(bytes),
                        AsmOp.Lwu => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
                        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
                    });
                    break;
                }

                case AsmOp.Sb or AsmOp.Sh or AsmOp.Sw or AsmOp.Sd:
                {
                    var va = (a + imm) & _mask;
                    var bytes = buffer[..insn.AccessBytes];
                    misaligned += va % (ulong)bytes.Length == 0 ? 0 : 1;
                    BinaryPrimitives.WriteUInt64LittleEndian(buffer, b);
                    if (Access(cpu.Store(insn.Site!, va, bytes), insn, va, regionAccesses++ == 0, stored - storedAtRegion, faults) is { } fixup)
                    {
                        next = fixup;
                        break;
                    }

                    stored += bytes.Length;
                    break;
                }

                case AsmOp.Addi or AsmOp.Li:
                    Write(x, insn.Rd, insn.Op == AsmOp.Li ? imm : a + imm);
                    break;
                case AsmOp.Slti:
                    Write(x, insn.Rd, Signed(a) < insn.Immediate ? 1UL : 0);
                    break;
                case AsmOp.Sltiu:
                    Write(x, insn.Rd, a < (imm & _mask) ? 1UL : 0);
                    break;
                case AsmOp.Xori:
                    Write(x, insn.Rd, a ^ imm);
                    break;
                case AsmOp.Ori:
                    Write(x, insn.Rd, a | imm);
                    break;
                case AsmOp.Andi:
                    Write(x, insn.Rd, a & imm);
                    break;
                case AsmOp.Slli:
                    Write(x, insn.Rd, a << (int)imm);
                    break;
                case AsmOp.Srli:
                    Write(x, insn.Rd, a >> (int)imm);
                    break;
                case AsmOp.Srai:
                    Write(x, insn.Rd, (ulong)(Signed(a) >> (int)imm));
                    break;
                case AsmOp.Addiw:
                    Write(x, insn.Rd, Word(a + imm));
                    break;
                case AsmOp.Slliw:
                    Write(x, insn.Rd, Word((uint)a << (int)imm));
                    break;
                case AsmOp.Srliw:
                    Write(x, insn.Rd, Word((uint)a >> (int)imm));
                    break;
                case AsmOp.Sraiw:
                    Write(x, insn.Rd, (ulong)((int)a >> (int)imm));
                    break;
                case AsmOp.Add:
                    Write(x, insn.Rd, a + b);
                    break;
                case AsmOp.Sub:
                    Write(x, insn.Rd, a - b);
                    break;
                case AsmOp.Sll:
                    Write(x, insn.Rd, a << Shift(b));
                    break;
                case AsmOp.Slt:
                    Write(x, insn.Rd, Signed(a) < Signed(b) ? 1UL : 0);
                    break;
                case AsmOp.Sltu:
                    Write(x, insn.Rd, a < b ? 1UL : 0);
                    break;
                case AsmOp.Xor:
                    Write(x, insn.Rd, a ^ b);
                    break;
                case AsmOp.Srl:
                    Write(x, insn.Rd, a >> Shift(b));
                    break;
                case AsmOp.Sra:
                    Write(x, insn.Rd, (ulong)(Signed(a) >> Shift(b)));
                    break;
                case AsmOp.Or:
                    Write(x, insn.Rd, a | b);
                    break;
                case AsmOp.And:
                    Write(x, insn.Rd, a & b);
                    break;
                case AsmOp.Addw:
                    Write(x, insn.Rd, Word(a + b));
                    break;
                case AsmOp.Subw:
                    Write(x, insn.Rd, Word(a - b));
                    break;
                case AsmOp.Sllw:
                    Write(x, insn.Rd, Word((uint)a << (int)(b & 31)));
                    break;
                case AsmOp.Srlw:
                    Write(x, insn.Rd, Word((uint)a >> (int)(b & 31)));
                    break;
                case AsmOp.Sraw:
                    Write(x, insn.Rd, (ulong)((int)a >> (int)(b & 31)));
                    break;
                case AsmOp.Lui:
                    Write(x, insn.Rd, Word(imm << 12));
                    break;
                case AsmOp.Auipc:
                    Write(x, insn.Rd, insn.Address + Word(imm << 12));
                    break;
                case AsmOp.Beq or AsmOp.Bne or AsmOp.Blt or AsmOp.Bge or AsmOp.Bltu or AsmOp.Bgeu:
                    var taken = insn.Op switch
                    {
                        AsmOp.Beq => a == b,
                        AsmOp.Bne => a != b,
                        AsmOp.Blt => Signed(a) < Signed(b),
                        AsmOp.Bge => Signed(a) >= Signed(b),
                        AsmOp.Bltu => a < b,
                        _ => a >= b,
                    };
                    next = taken ? insn.TargetIndex : next;
                    break;
                case AsmOp.Jal:
                    Write(x, insn.Rd, insn.Address + 4);
                    next = insn.TargetIndex;
                    break;
                case AsmOp.Jalr:
                {
                    var target = (a + imm) & ~1UL & _mask;
                    Write(x, insn.Rd, insn.Address + 4);
                    if (target == ReturnAddress)
                    {
                        return new AsmCall(x[AsmRegisters.A0], x, faults, steps, misaligned);
                    }

                    next = _program.InstructionAt(target)?.Index
                        ?? throw new AsmException(insn.Origin, $"'{insn.Text}' jumps to 0x{target:x}, which is no instruction of the assembled text");
                    break;
                }

                default:
                    throw new AsmException(insn.Origin, $"'{insn.Text}': operation {insn.Op} cannot be executed");
            }

            if (next >= _code.Length)
            {
                throw new AsmException(insn.Origin, $"{routine.Name} runs past the last instruction of the text after '{insn.Text}'");
            }

            pc = next;
        }
    }

    // An access that the trap fixed up continues at the entry's fixup, as ex_handler_fixup sets epc; anything but Ok or
    // Fixup cannot happen in kernel mode.
    [KernelSymbol("arch/riscv/mm/extable.c", "ex_handler_fixup")]
    private int? Access(AccessResult result, AsmInstruction insn, ulong va, bool first, long storedInPhase, List<AsmFault> faults)
    {
        switch (result)
        {
            case AccessResult.Ok:
                return null;
            case AccessResult.Fixup:
                var fixup = _fixups[insn.Index];
                if (fixup < 0)
                {
                    throw new AsmException(insn.Origin, $"the trap handler took a fixup for '{insn.Text}', which has no exception-table entry");
                }

                faults.Add(new AsmFault(insn, va, first, storedInPhase, _code[fixup]));
                return fixup;
            default:
                throw new AsmException(insn.Origin, $"'{insn.Text}' ended {result}: the assembled routine runs in kernel mode only");
        }
    }

    private void Write(ulong[] x, int rd, ulong value)
    {
        if (rd != 0)
        {
            x[rd] = value & _mask;
        }
    }

    private long Signed(ulong value) => _rv64 ? (long)value : (int)(uint)value;

    private int Shift(ulong amount) => (int)(amount & (_rv64 ? 63UL : 31UL));

    private static ulong Word(ulong value) => (ulong)(long)(int)(uint)value;
}
