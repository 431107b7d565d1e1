
namespace KernelModel.Arch.RiscV;

/// <summary>
/// The scalar user copy of arch/riscv/lib/uaccess.S (<c>__asm_copy_to_user</c>; in current kernels the same body
/// is <c>fallback_scalar_usercopy_sum_enabled</c>, reached from __asm_copy_to_user), as its state machine. Every
/// load and every store is wrapped by the file's <c>fixup</c> macro (EX_TYPE_FIXUP to label 10), and label 10
/// returns t5 - a0: the destination end minus the destination cursor, which advances only after stores. So the
/// value is exactly the bytes not stored.
/// <list type="bullet">
/// <item>Entry: t5 = t0 = a0 + a2 (the destination end). Fewer than 9*SZREG bytes: byte copy only.</item>
/// <item>Lead: byte copies until the destination is SZREG-aligned.</item>
/// <item>Source aligned too: the word copy, 8 REG_L then 8 REG_S per step while more than 8*SZREG bytes remain,
/// then the byte tail.</item>
/// <item>Source misaligned: the shift copy. Aligned words are loaded from the rounded-down source (one ahead) and
/// each destination word is built from two of them, up to the last whole destination word; then the byte tail.
/// The loads read up to SZREG-1 bytes outside the source, always inside aligned words that hold source bytes.</item>
/// </list>
/// The vector path (__asm_vector_usercopy, for V-capable harts above riscv_v_usercopy_threshold) is not modelled:
/// the profiles assume a hart without V, where every copy takes this path.
/// </summary>
public sealed class AsmCopyToUser(Machine machine, int szreg)
{
    /// <summary>The routine's name on its sites.</summary>
    public const string Routine = "__asm_copy_to_user";

    /// <summary>The fixup label's action.</summary>
    public const string FixupLabel = "10f: a0 = t5 - a0";

    private static readonly string[] WordRegisters = ["a4", "a5", "a6", "a7", "t1", "t2", "t3", "t4"];

    /// <summary>Label 1's byte load (destination alignment).</summary>
    public static CodeSite LeadLoad { get; } = new(Routine, "1: lb a5, 0(a1)", SiteAccess.Load);

    /// <summary>Label 1's byte store.</summary>
    public static CodeSite LeadStore { get; } = new(Routine, "1: sb a5, 0(a0)", SiteAccess.Store);

    /// <summary>The word copy's loads (label 2), words 0-7.</summary>
    public static IReadOnlyList<CodeSite> WordLoad { get; } =
        Enumerable.Range(0, 8).Select(k => new CodeSite(Routine, $"2: REG_L {WordRegisters[k]}, {Offset(k)}(a1)", SiteAccess.Load)).ToArray();

    /// <summary>The word copy's stores (label 2), words 0-7.</summary>
    public static IReadOnlyList<CodeSite> WordStore { get; } =
        Enumerable.Range(0, 8).Select(k => new CodeSite(Routine, $"2: REG_S {WordRegisters[k]}, {Offset(k)}(a0)", SiteAccess.Store)).ToArray();

    /// <summary>The shift copy's first load, before label 3.</summary>
    public static CodeSite ShiftFirstLoad { get; } = new(Routine, ".Lshift_copy: REG_L a5, 0(a1)", SiteAccess.Load);

    /// <summary>The shift copy's loop load (label 3).</summary>
    public static CodeSite ShiftLoad { get; } = new(Routine, "3: REG_L a5, SZREG(a1)", SiteAccess.Load);

    /// <summary>The shift copy's loop store (label 3).</summary>
    public static CodeSite ShiftStore { get; } = new(Routine, "3: REG_S a2, 0(a0)", SiteAccess.Store);

    /// <summary>The byte tail's load (label 4).</summary>
    public static CodeSite TailLoad { get; } = new(Routine, "4: lb a5, 0(a1)", SiteAccess.Load);

    /// <summary>The byte tail's store (label 4).</summary>
    public static CodeSite TailStore { get; } = new(Routine, "4: sb a5, 0(a0)", SiteAccess.Store);

    /// <summary>Every site in program order.</summary>
    public static IReadOnlyList<CodeSite> Sites { get; } =
        [LeadLoad, LeadStore, .. WordLoad, .. WordStore, ShiftFirstLoad, ShiftLoad, ShiftStore, TailLoad, TailStore];

    /// <summary>One EX_TYPE_FIXUP entry to label 10 for every load and every store.</summary>
    public static ExceptionTable Extable { get; } = new(Sites.Select(s => RiscVAsmExtable.Entry(s, FixupLabel)));

    /// <summary>__asm_copy_to_user(to, from, n): 0, or the bytes not stored.</summary>
    [KernelSymbol("arch/riscv/lib/uaccess.S", "__asm_copy_to_user")]
    [KernelSymbol("arch/riscv/lib/uaccess.S", "fallback_scalar_usercopy_sum_enabled")]
    public ulong Run(ulong to, ulong from, ulong n)
    {
        var cpu = machine.CurrentCpu;
        if (cpu.TryCopyFast(to, from, n))
        {
            return 0;
        }

        var copy = new State(cpu, szreg, to, from, n);
        return copy.Copy() ? 0 : copy.BytesNotStored;
    }

    private static string Offset(int word) => word switch
    {
        0 => "0",
        1 => "SZREG",
        _ => $"{word}*SZREG",
    };

    // The registers of one call; each phase returns false when an access trapped to label 10.
    private sealed class State(Cpu cpu, int szreg, ulong to, ulong from, ulong n)
    {
        private readonly ulong _szreg = (ulong)szreg;
        private readonly ulong _mask = XlenMask(szreg);
        private readonly ulong[] _words = new ulong[8];
        private ulong _a0 = to & XlenMask(szreg);
        private ulong _a1 = from & XlenMask(szreg);
        private ulong _t0;
        private ulong _t5;

        // Label 10: sub a0, t5, a0.
        public ulong BytesNotStored => (_t5 - _a0) & _mask;

        private static ulong XlenMask(int szreg) => szreg == 8 ? ulong.MaxValue : uint.MaxValue;

        public bool Copy()
        {
            var a2 = n & _mask;
            _t5 = (_a0 + a2) & _mask;
            _t0 = _t5;
            if (a2 < 9 * _szreg)
            {
                return ByteCopyTail();
            }

            var t1 = (_a0 + _szreg - 1) & ~(_szreg - 1) & _mask;
            while (_a0 < t1)
            {
                if (!Load(LeadLoad, _a1, 1, out var a5))
                {
                    return false;
                }

                _a1 = (_a1 + 1) & _mask;
                if (!Store(LeadStore, _a0, 1, a5))
                {
                    return false;
                }

                _a0 = (_a0 + 1) & _mask;
            }

            var a3 = _a1 & (_szreg - 1);
            return (a3 == 0 ? WordCopy() : ShiftCopy(a3)) && ByteCopyTail();
        }

        // Label 2: t0 -= 8*SZREG so the loop never overruns; 8 loads then 8 stores per step; t0 restored after.
        private bool WordCopy()
        {
            var block = 8 * _szreg;
            _t0 = (_t0 - block) & _mask;
            do
            {
                for (var k = 0; k < 8; k++)
                {
                    if (!Load(WordLoad[k], (_a1 + ((ulong)k * _szreg)) & _mask, szreg, out _words[k]))
                    {
                        return false;
                    }
                }

                for (var k = 0; k < 8; k++)
                {
                    if (!Store(WordStore[k], (_a0 + ((ulong)k * _szreg)) & _mask, szreg, _words[k]))
                    {
                        return false;
                    }
                }

                _a0 = (_a0 + block) & _mask;
                _a1 = (_a1 + block) & _mask;
            }
            while (_a0 < _t0);

            _t0 = (_t0 + block) & _mask;
            return true;
        }

        // .Lshift_copy: t1 = the last whole destination word's end; a1 rounded down; t3/t4 the shifts in bits.
        private bool ShiftCopy(ulong a3)
        {
            var t1 = _t0 & ~(_szreg - 1);
            _a1 &= ~(_szreg - 1);
            var t3 = (int)(a3 * 8);
            var t4 = (szreg * 8) - t3;
            if (!Load(ShiftFirstLoad, _a1, szreg, out var a5))
            {
                return false;
            }

            do
            {
                var a4 = a5 >> t3;
                if (!Load(ShiftLoad, (_a1 + _szreg) & _mask, szreg, out a5))
                {
                    return false;
                }

                _a1 = (_a1 + _szreg) & _mask;
                var a2 = ((a5 << t4) | a4) & _mask;
                if (!Store(ShiftStore, _a0, szreg, a2))
                {
                    return false;
                }

                _a0 = (_a0 + _szreg) & _mask;
            }
            while (_a0 < t1);

            _a1 = (_a1 + a3) & _mask;
            return true;
        }

        // .Lbyte_copy_tail / label 4.
        private bool ByteCopyTail()
        {
            while (_a0 < _t0)
            {
                if (!Load(TailLoad, _a1, 1, out var a5))
                {
                    return false;
                }

                _a1 = (_a1 + 1) & _mask;
                if (!Store(TailStore, _a0, 1, a5))
                {
                    return false;
                }

                _a0 = (_a0 + 1) & _mask;
            }

            return true;
        }

        private bool Load(CodeSite site, ulong address, int size, out ulong value) =>
            RiscVRegisterAccess.Load(cpu, site, address, size, _mask, out value);

        private bool Store(CodeSite site, ulong address, int size, ulong value) =>
            RiscVRegisterAccess.Store(cpu, site, address, size, value);
    }
}
