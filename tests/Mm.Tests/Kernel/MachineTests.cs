namespace KernelModel.Mm.Tests.Kernel;

public sealed class MachineTests
{
    [Fact]
    public void Die_NotInInterruptWithoutPanicOnOops_KillsTheCurrentTaskAndTheMachineRuns()
    {
        var machine = MachineFactory.Generic();
        var task = machine.Tasks.CreateProcess("victim");
        var cpu = machine.CurrentCpu;

        KernelRun<int> run;
        using (cpu.Enter(task, CpuMode.Kernel))
        {
            run = machine.Run<int>(() => throw machine.Die(cpu, n => $"Oops [#{n}]"));
        }

        Assert.True(run.Died);
        Assert.False(run.Panicked);
        Assert.Equal(MachineState.Running, machine.State);
        Assert.Equal(TaskExitState.Killed, task.ExitState);
        Assert.Equal(Signals.SIGSEGV, task.ExitSignal);
        Assert.False(task.CoreDumped);
        Assert.Equal("[    0.000000] Oops [#1]", Assert.Single(machine.Log.Dmesg()));
    }

    [Fact]
    public void Die_WithASignalAndAPanicPrefix_UsesThemAsTheArchitectureAsks()
    {
        var machine = MachineFactory.Generic();
        var task = machine.Tasks.CreateProcess("victim");
        var cpu = machine.CurrentCpu;

        using (cpu.Enter(task, CpuMode.Kernel))
        {
            machine.Run<int>(() => throw machine.Die(cpu, n => "Oops", signr: Signals.SIGKILL));
        }

        machine.Sysctl.Set("kernel.panic_on_oops", "1");
        var run = machine.Run<int>(() => throw machine.Die(cpu, n => "Internal error", panicPrefix: "synchronous external abort"));

        Assert.Equal(Signals.SIGKILL, task.ExitSignal);
        Assert.Equal("synchronous external abort: Fatal exception", run.DeathMessage);
    }

    [Fact]
    public void Panic_StopsTheMachineAndNothingRunsAfterIt()
    {
        var machine = MachineFactory.Generic();

        var first = machine.Run<int>(() => throw machine.Panic("test"));
        var ran = false;
        var second = machine.Run(() => ran = true);

        Assert.True(first.Panicked);
        Assert.True(second.Panicked);
        Assert.False(ran);
        Assert.Equal("test", machine.PanicMessage);
        Assert.Equal(
            ["[    0.000000] Kernel panic - not syncing: test", "[    0.000000] ---[ end Kernel panic - not syncing: test ]---"],
            machine.Log.Dmesg());
    }

    [Fact]
    public void Die_WithNoCurrentTask_Panics()
    {
        var machine = MachineFactory.Generic();

        var run = machine.Run<int>(() => throw machine.Die(machine.CurrentCpu, n => "Oops"));

        Assert.Equal("Attempted to kill the idle task!", run.DeathMessage);
    }

    [Fact]
    public void SameSeed_SameConsoleOutputAndRandomChoices()
    {
        static (string[] Dmesg, long[] Draws) RunOnce(int seed)
        {
            var machine = MachineFactory.Generic(seed);
            var draws = Enumerable.Range(0, 5).Select(_ => machine.Random.NextInt64()).ToArray();
            var task = machine.Tasks.CreateProcess("demo");
            var src = machine.Allocator.AllocFolio(0)!.Value;
            var dst = machine.Allocator.AllocFolio(0)!.Value;
            machine.Memory.InjectPoison(src.Head.PhysAddr + (ulong)(draws[0] % 64 * 64));
            machine.Clock.Advance(TimeSpan.FromMilliseconds(draws[1] % 1000));
            using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
            {
                machine.Run(() => machine.Arch.CopyMc.CopyMcToKernel(machine.PageAddress(dst.Head), machine.PageAddress(src.Head), 4096));
            }

            return (machine.Log.Dmesg().ToArray(), draws);
        }

        var a = RunOnce(5);
        var b = RunOnce(5);
        var c = RunOnce(6);

        Assert.Equal(a.Dmesg, b.Dmesg);
        Assert.Equal(a.Draws, b.Draws);
        Assert.NotEqual(a.Draws, c.Draws);
        Assert.NotEmpty(a.Dmesg);
    }

    [Fact]
    public void LogLines_CarryVirtualTimeInDmesgFormat()
    {
        var clock = new VirtualClock();
        var log = new KernelLog(clock);
        clock.Advance(TimeSpan.FromSeconds(12.5));
        log.Err("Memory failure: 0x1234: recovery action for dirty LRU page: Recovered");
        clock.AdvanceNanoseconds(1_000);

        Assert.Equal("[   12.500000] Memory failure: 0x1234: recovery action for dirty LRU page: Recovered", log.Lines[0].ToString());
        Assert.Equal(12_500_001_000, clock.Nanoseconds);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
    }

    [Theory]
    [InlineData(0UL, 1, "memory size")]
    [InlineData(1UL << 30, 0, "node count")]
    public void Config_BadValues_AreNamedWithTheirRange(ulong memory, int nodes, string named)
    {
        var config = new MachineConfig { MemoryBytes = memory, Nodes = nodes };

        var error = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains(named, error.Message);
        Assert.Contains("valid", error.Message + (error.Message.Contains("multiple") ? " valid" : ""));
    }

    [Fact]
    public void Tracer_RecordsNestedCallsAndConsoleLines()
    {
        var machine = MachineFactory.Generic();
        machine.Tracer.Enabled = true;

        using (machine.Tracer.Enter("do_wp_page"))
        {
            using (machine.Tracer.Enter("wp_page_copy"))
            {
                machine.Log.Err("hello");
            }
        }

        Assert.Equal(["do_wp_page() {", "  wp_page_copy() {", "    /* hello */", "  }", "}"], machine.Tracer.Lines);
    }

    [Fact]
    public void TracerNote_Interpolated_FormatsOnlyWhileTheTracerIsOn()
    {
        var machine = MachineFactory.Generic();
        var evaluated = 0;
        string Hole()
        {
            evaluated++;
            return Printf.HashLx(0x1000);
        }

        machine.Tracer.Note($"pfn {Hole()} flags {MfFlags.ActionRequired} cpu {1}");
        machine.Tracer.Enabled = true;
        machine.Tracer.Note($"pfn {Hole()} lsb {12:x} done");

        Assert.Equal(1, evaluated);
        Assert.Equal(["/* pfn 0x1000 lsb c done */"], machine.Tracer.Lines);
    }

    [Fact]
    public void TrapWithAKernelDeath_IsRecordedOnceWithTheModeItWasTakenIn()
    {
        var machine = MachineFactory.Generic();
        var task = machine.Tasks.CreateProcess("t");
        machine.Memory.InjectPoison(0x100_0000);
        var site = new CodeSite("test", "load", SiteAccess.Load);
        var cpu = machine.CurrentCpu;

        KernelRun<AccessResult> run;
        using (cpu.Enter(task, CpuMode.Kernel))
        {
            run = machine.Run(() => cpu.Load(site, machine.PhysToVirt(0x100_0000), new byte[1]));
        }

        Assert.True(run.Died);
        var trap = Assert.Single(machine.Traps);
        Assert.Equal((TrapOutcome.Died, CpuMode.Kernel, run.DeathMessage), (trap.Outcome, trap.Mode, trap.Detail));
    }

    [Fact]
    public void CodeSite_EqualSitesAreOneExceptionTableKey()
    {
        var site = new CodeSite("copy_mc_fragile", ".L_read_words: movq (%rsi),%r8", SiteAccess.Load);
        var same = new CodeSite(string.Concat("copy_mc_", "fragile"), string.Concat(".L_read_words: ", "movq (%rsi),%r8"), SiteAccess.Load);
        var table = new ExceptionTable([new ExtableEntry(site, "EX_TYPE_DEFAULT_MCE_SAFE", 14, ".E_read_words")]);

        Assert.Equal(site, same);
        Assert.Equal(site.GetHashCode(), same.GetHashCode());
        Assert.Same(table.Entries[0], table.Search(same));
        Assert.Null(table.Search(new CodeSite(site.Routine, site.Label, SiteAccess.Store)));
    }
}
