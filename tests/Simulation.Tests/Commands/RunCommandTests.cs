using System.Text.Json;

namespace KernelModel.Simulation.Tests.Commands;

public sealed class RunCommandTests
{
    [Fact]
    public void Json_HasTheDocumentedFields()
    {
        var result = Kmodel.Run("run", "user-load-anon", "--profile", "riscv64", "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var root = doc.RootElement;
        Assert.Equal(
            ["scenario", "profile", "seed", "summary", "panicked", "panic_message", "oopsed", "signals", "syscalls", "queued", "memory_failures",
             "hardware_corrupted_kb", "result", "short_read", "dmesg"],
            root.EnumerateObject().Select(p => p.Name));
        var signal = root.GetProperty("signals")[0];
        Assert.Equal((7, 4, 12), (signal.GetProperty("signo").GetInt32(), signal.GetProperty("si_code").GetInt32(), signal.GetProperty("si_addr_lsb").GetInt32()));
        Assert.Equal("dirty LRU page", root.GetProperty("memory_failures")[0].GetProperty("page_type").GetString());
        Assert.Equal(4, root.GetProperty("hardware_corrupted_kb").GetInt32());
    }

    [Fact]
    public void Text_SaysWhetherTheOutcomeIsTheDeclaredOne()
    {
        var result = Kmodel.Run("run", "user-load-anon", "--profile", "arm64");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("signal: victim:1 SIGBUS BUS_MCEERR_AR", result.Out);
        Assert.Contains("matches the outcome the scenario declares for this profile", result.Out);
    }

    [Fact]
    public void Trace_CowAnonOnRiscv64_ShowsThePathFromTheWriteFaultToSigbusWithTheConsoleInPlace()
    {
        var result = Kmodel.Run("run", "cow-anon", "--profile", "riscv64", "--trace");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n');
        var trace = lines.SkipWhile(l => l != "trace:").Skip(1).TakeWhile(l => l.Length > 0).Select(l => l.Trim()).ToArray();
        Assert.Equal("handle_page_fault() {", trace[0]);
        var calls = trace.Where(l => l.EndsWith("() {", StringComparison.Ordinal)).Select(l => l[..^4]).ToArray();
        Assert.Equal(
            ["handle_page_fault", "handle_mm_fault", "__handle_mm_fault", "handle_pte_fault", "do_wp_page", "wp_can_reuse_anon_folio", "wp_page_copy",
                "__wp_page_copy_user", "copy_mc_user_highpage", "copy_mc_to_kernel", "memory_failure_queue", "mm_fault_error", "do_trap",
                "exit_to_user_mode_prepare", "memory_failure_work_func", "memory_failure", "collect_procs_anon", "me_pagecache_dirty"],
            calls);
        string[] inOrder =
        [
            "/* hardware memory error at __memcpy_mc+",
            "/* trap: Fixup: extable EX_TYPE_FIXUP -> ",
            "/* copy_mc_to_kernel: 4096 bytes not copied */",
            "/* pfn 0x600 flags 0 on cpu 0 */",
            "/* wp_page_copy: copy failed, EHWPOISON */",
            "/* SIGBUS BUS_ADRERR to cow:2 si_addr=0x3ff7fff080 si_addr_lsb=0 */",
            "/* get_signal: cow:2 SIGBUS BUS_ADRERR si_addr=0x3ff7fff080 si_addr_lsb=0: killed */",
            "/* Memory failure: 0x600: recovery action for dirty LRU page: Recovered */",
        ];
        var at = inOrder.Select(prefix => Array.FindIndex(trace, l => l.StartsWith(prefix, StringComparison.Ordinal))).ToArray();
        Assert.DoesNotContain(-1, at);
        Assert.Equal(at.Order(), at);
    }

    [Theory]
    [InlineData("no-such-scenario", "riscv64", "unknown scenario 'no-such-scenario': valid scenarios are")]
    [InlineData("user-load-anon", "sparc", "unknown profile 'sparc': valid profiles are")]
    public void BadInput_IsNamedWithExitCode2(string id, string profile, string message)
    {
        var result = Kmodel.Run("run", id, "--profile", profile);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("kmodel: " + message, result.Error);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void Scenarios_ListsTheCatalogue()
    {
        var result = Kmodel.Run("scenarios");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.Out.Split('\n'), l => System.Text.RegularExpressions.Regex.IsMatch(l, "^user-load-anon +a process loads"));
    }
}
