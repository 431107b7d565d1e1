using KernelModel.Arch.RiscV.Asm;

namespace KernelModel.Arch.RiscV.Tests.Asm;

/// <summary>Each instruction class, executed on the model's memory, with exact register and memory values.</summary>
public sealed class AsmInterpreterTests
{
    private static ulong A(AsmCall call, string abi) => call.Registers[AsmRegisters.Parse(abi)!.Value];

    [Fact]
    public void Loads_Rv64_SignAndZeroExtendEachWidth()
    {
        var bed = AsmTestbed.Function("lb a2, 0(a1)\nlbu a3, 0(a1)\nlh a4, 0(a1)\nlhu a5, 0(a1)\nlw a6, 0(a1)\nlwu a7, 0(a1)\nld t0, 0(a1)\nlb t1, 7(a1)\nret");
        bed.Write(0, 0x80, 0xff, 0x01, 0x80, 0x44, 0x33, 0x22, 0x71);

        var call = bed.Call(0, bed.Buffer);

        Assert.Equal(0xffff_ffff_ffff_ff80UL, A(call, "a2"));
        Assert.Equal(0x80UL, A(call, "a3"));
        Assert.Equal(0xffff_ffff_ffff_ff80UL, A(call, "a4"));
        Assert.Equal(0xff80UL, A(call, "a5"));
        Assert.Equal(0xffff_ffff_8001_ff80UL, A(call, "a6"));
        Assert.Equal(0x8001_ff80UL, A(call, "a7"));
        Assert.Equal(0x7122_3344_8001_ff80UL, A(call, "t0"));
        Assert.Equal(0x71UL, A(call, "t1"));
    }

    [Fact]
    public void Loads_Rv32_ExtendToThirtyTwoBits()
    {
        var bed = AsmTestbed.Function("lb a2, 1(a1)\nlhu a3, 0(a1)\nlw a4, 0(a1)\nret", xlen: 32);
        bed.Write(0, 0x80, 0xff, 0x01, 0x80);

        var call = bed.Call(0, bed.Buffer);

        Assert.Equal(0xffff_ffffUL, A(call, "a2"));
        Assert.Equal(0xff80UL, A(call, "a3"));
        Assert.Equal(0x8001_ff80UL, A(call, "a4"));
    }

    [Fact]
    public void Stores_WriteLittleEndianOfTheirWidth()
    {
        var bed = AsmTestbed.Function("li a2, 0x0807060504030201\nsb a2, 0(a1)\nsh a2, 2(a1)\nsw a2, 4(a1)\nsd a2, 8(a1)\nret");

        bed.Call(0, bed.Buffer);

        Assert.Equal(new byte[] { 1, 0, 1, 2, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 0 }, bed.Read(0, 17));
    }

    [Fact]
    public void RegisterImmediate_ArithmeticLogicShiftsAndSetLessThan()
    {
        var bed = AsmTestbed.Function(string.Join('\n',
            "addi a2, a0, -5", "slti a3, a0, 4", "sltiu a4, a0, -1", "xori a5, a0, 0x7f", "ori a6, a0, 0x100", "andi a7, a0, -4",
            "slli t0, a0, 60", "srli t1, a1, 60", "srai t2, a1, 60", "addiw t3, a1, 1", "slliw t4, a0, 31", "sraiw t5, a1, 4", "ret"));

        var call = bed.Call(3, 0x8000_0000_ffff_ffff);

        Assert.Equal(unchecked((ulong)-2L), A(call, "a2"));
        Assert.Equal(1UL, A(call, "a3"));
        Assert.Equal(1UL, A(call, "a4"));
        Assert.Equal(0x7cUL, A(call, "a5"));
        Assert.Equal(0x103UL, A(call, "a6"));
        Assert.Equal(0UL, A(call, "a7"));
        Assert.Equal(0x3000_0000_0000_0000UL, A(call, "t0"));
        Assert.Equal(8UL, A(call, "t1"));
        Assert.Equal(0xffff_ffff_ffff_fff8UL, A(call, "t2"));
        Assert.Equal(0UL, A(call, "t3"));
        Assert.Equal(0xffff_ffff_8000_0000UL, A(call, "t4"));
        Assert.Equal(0xffff_ffff_ffff_ffffUL, A(call, "t5"));
    }

    [Fact]
    public void RegisterRegister_ArithmeticLogicShiftsAndSetLessThan()
    {
        var bed = AsmTestbed.Function(string.Join('\n',
            "add a3, a0, a1", "sub a4, a0, a1", "and a5, a0, a1", "or a6, a0, a1", "xor a7, a0, a1", "slt t0, a1, a0", "sltu t1, a1, a0",
            "sll t2, a0, a2", "srl t3, a1, a2", "sra t4, a1, a2", "addw t5, a1, a1", "subw t6, a0, a1", "sllw s1, a0, a2", "srlw s2, a1, a2",
            "sraw s3, a1, a2", "ret"));

        // a2 = 65: shifts use the low 6 bits (1) on RV64, the W forms the low 5 bits (1).
        var call = bed.Call(6, 0xffff_ffff_ffff_fff0, 65);

        Assert.Equal(unchecked((ulong)-10L), A(call, "a3"));
        Assert.Equal(22UL, A(call, "a4"));
        Assert.Equal(0UL, A(call, "a5"));
        Assert.Equal(0xffff_ffff_ffff_fff6UL, A(call, "a6"));
        Assert.Equal(0xffff_ffff_ffff_fff6UL, A(call, "a7"));
        Assert.Equal(1UL, A(call, "t0"));
        Assert.Equal(0UL, A(call, "t1"));
        Assert.Equal(12UL, A(call, "t2"));
        Assert.Equal(0x7fff_ffff_ffff_fff8UL, A(call, "t3"));
        Assert.Equal(0xffff_ffff_ffff_fff8UL, A(call, "t4"));
        Assert.Equal(0xffff_ffff_ffff_ffe0UL, A(call, "t5"));
        Assert.Equal(22UL, A(call, "t6"));
        Assert.Equal(12UL, A(call, "s1"));
        Assert.Equal(0x7fff_fff8UL, A(call, "s2"));
        Assert.Equal(0xffff_ffff_ffff_fff8UL, A(call, "s3"));
    }

    [Fact]
    public void Rv32_ArithmeticWrapsAtThirtyTwoBitsAndComparesSigned()
    {
        var bed = AsmTestbed.Function("addi a2, a0, 1\nslt a3, a0, zero\nsrai a4, a0, 31\nsrli a5, a0, 31\nsll a6, a0, a1\nret", xlen: 32);

        var call = bed.Call(0xffff_ffff, 33);

        Assert.Equal(0UL, A(call, "a2"));
        Assert.Equal(1UL, A(call, "a3"));
        Assert.Equal(0xffff_ffffUL, A(call, "a4"));
        Assert.Equal(1UL, A(call, "a5"));
        Assert.Equal(0xffff_fffeUL, A(call, "a6"));
    }

    [Fact]
    public void LuiAndAuipc_UpperImmediatesSignExtendAndAuipcAddsItsAddress()
    {
        var rv64 = AsmTestbed.Function("lui a2, 0x80000\nlui a3, 0x12345\nauipc a4, 1\nret");
        var rv32 = AsmTestbed.Function("lui a2, 0x80000\nauipc a4, 0\nret", xlen: 32);

        var call64 = rv64.Call();
        var call32 = rv32.Call();

        Assert.Equal(0xffff_ffff_8000_0000UL, A(call64, "a2"));
        Assert.Equal(0x1234_5000UL, A(call64, "a3"));
        Assert.Equal(AsmTarget.Rv64.TextBase + 8 + 0x1000, A(call64, "a4"));
        Assert.Equal(0x8000_0000UL, A(call32, "a2"));
        Assert.Equal(AsmTarget.Rv32.TextBase + 4, A(call32, "a4"));
    }

    [Fact]
    public void Branches_EveryFormAndPseudoForm_TakeExactlyWhenTheirConditionHolds()
    {
        // a1 = -1, a2 = 1: each branch shifts a taken (1) or not-taken (0) bit into a0, first branch highest.
        string[] branches =
        [
            "beq a1, a1", "bne a1, a1", "blt a1, a2", "bge a1, a2", "bltu a1, a2", "bgeu a1, a2", "beqz zero", "bnez a1", "blez a1", "bgez a1",
            "bltz a1", "bgtz a2", "bgt a1, a2", "ble a1, a2", "bgtu a1, a2", "bleu a1, a2",
        ];
        var body = "li a0, 0\n" + string.Join('\n', branches.Select(b => $"li t0, 1\n{b}, 1f\nli t0, 0\n1:\nslli a0, a0, 1\nor a0, a0, t0")) + "\nret";
        var bed = AsmTestbed.Function(body);

        var call = bed.Call(0, unchecked((ulong)-1L), 1);

        //                        beq bne blt bge bltu bgeu beqz bnez blez bgez bltz bgtz bgt ble bgtu bleu
        Assert.Equal(Convert.ToUInt64("1" + "0" + "1" + "0" + "0" + "1" + "1" + "1" + "1" + "0" + "1" + "1" + "0" + "1" + "1" + "0", 2), call.A0);
    }

    [Fact]
    public void Jumps_JalJalrJJrAndRet_LinkAndTransferControl()
    {
        var bed = AsmTestbed.Function(string.Join('\n',
            "mv s1, ra", "li a0, 1", "jal add10", "jal t1, add10_via_t1", "auipc t0, 0", "jalr ra, 16(t0)", "j 2f", "addi a0, a0, 100",
            "add10:", "addi a0, a0, 10", "ret",
            "add10_via_t1:", "addi a0, a0, 10", "jr t1",
            "2:", "addi a0, a0, 1000", "mv ra, s1", "jr ra"));

        var call = bed.Call();

        // jal add10 returns through ra, jal t1 through t1, auipc + jalr calls add10 at auipc+16, j skips the +100, and
        // jr ra returns to the caller's ra.
        Assert.Equal(1UL + 10 + 10 + 10 + 1000, call.A0);
        Assert.Equal(AsmTarget.Rv64.TextBase + (4 * 4), A(call, "t1"));
    }

    [Fact]
    public void Pseudos_MvMoveLiNopNotNegSeqzSnez()
    {
        var bed = AsmTestbed.Function(string.Join('\n',
            "mv a2, a0", "move a3, a0", "li a4, -0x123456789", "li a5, 2047", "nop", "not a6, a0", "neg a7, a0", "seqz t0, zero", "snez t1, a0", "ret"));

        var call = bed.Call(5);

        Assert.Equal(5UL, A(call, "a2"));
        Assert.Equal(5UL, A(call, "a3"));
        Assert.Equal(unchecked((ulong)-0x123456789L), A(call, "a4"));
        Assert.Equal(2047UL, A(call, "a5"));
        Assert.Equal(unchecked((ulong)~5L), A(call, "a6"));
        Assert.Equal(unchecked((ulong)-5L), A(call, "a7"));
        Assert.Equal(1UL, A(call, "t0"));
        Assert.Equal(1UL, A(call, "t1"));
    }

    [Fact]
    public void LocalLabels_BackwardLoop_CountsDown()
    {
        var bed = AsmTestbed.Function("li a0, 0\n1:\naddi a0, a0, 3\naddi a1, a1, -1\nbnez a1, 1b\nret");

        var call = bed.Call(0, 7);

        Assert.Equal(21UL, call.A0);
        Assert.Equal(1 + (7 * 3) + 1, call.Steps);
    }

    [Fact]
    public void PoisonedLoad_WithAnEntry_ResumesAtTheFixupAndRecordsThePhase()
    {
        var bed = AsmTestbed.Function(".Lphase:\nsb zero, 0(a2)\n100: lb a0, 0(a1)\n_asm_extable 100b, 9f\nli a0, 0\nret\n9:\nli a0, 99\nret");
        bed.Machine.Memory.InjectPoison(bed.BufferPhys + 64);

        var call = bed.Call(0, bed.Buffer + 70, bed.Buffer + 200);

        Assert.Equal(99UL, call.A0);
        var fault = Assert.Single(call.Faults);
        Assert.Equal("lb a0, 0(a1)", fault.Instruction.Text);
        Assert.Equal(".Lphase", fault.Phase);
        Assert.False(fault.FirstAccessOfPhase);
        Assert.Equal(1, fault.BytesStoredInPhase);
        Assert.Equal("li a0, 99", fault.Fixup.Text);
        var trap = Assert.Single(bed.Machine.Traps);
        Assert.Equal(TrapKind.HardwareError, trap.Kind);
        Assert.Equal(TrapOutcome.Fixup, trap.Outcome);
        Assert.Equal($"{AsmTestbed.File}:6 lb a0, 0(a1)", trap.Site.Label);
        Assert.Equal("f", trap.Site.Routine);
    }

    [Fact]
    public void PoisonedLoad_WithoutAnEntry_KillsTheKernel()
    {
        var bed = AsmTestbed.Function("lb a0, 0(a1)\nret");
        bed.Machine.Memory.InjectPoison(bed.BufferPhys);

        var run = bed.Run(0, bed.Buffer);

        Assert.True(run.Died);
        Assert.Equal(TrapOutcome.Died, Assert.Single(bed.Machine.Traps).Outcome);
    }

    [Fact]
    public void StoreToAnUnmappedAddress_WithAnEntry_IsFixedUpAsAPageFault()
    {
        var bed = AsmTestbed.Function("100: sd a0, 0(a1)\n_asm_extable 100b, 1f\nli a0, 0\nret\n1: li a0, -14\nret");

        var call = bed.Call(5, bed.Unmapped);

        Assert.Equal(unchecked((ulong)-14L), call.A0);
        var trap = Assert.Single(bed.Machine.Traps);
        Assert.Equal(TrapKind.PageFault, trap.Kind);
        Assert.Equal(SiteAccess.Store, trap.Site.Access);
    }

    [Fact]
    public void MisalignedAccess_IsCounted()
    {
        var bed = AsmTestbed.Function("lw a2, 2(a1)\nlw a3, 4(a1)\nsd a2, 1(a1)\nret");

        Assert.Equal(2, bed.Call(0, bed.Buffer).MisalignedAccesses);
    }

    [Fact]
    public void JumpOutsideTheText_IsAnErrorNamingTheInstruction()
    {
        var bed = AsmTestbed.Function("li t0, 0x1000\njr t0");

        var e = Assert.Throws<AsmException>(() => bed.Call());

        Assert.Equal($"{AsmTestbed.File}:5: 'jr t0' jumps to 0x1000, which is no instruction of the assembled text", e.Message);
    }
}
