using System.Text.Json;

namespace KernelModel.Simulation.Tests.Commands;

public sealed class InjectCommandTests
{
    private static JsonElement Json(params string[] args)
    {
        var result = Kmodel.Run([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonDocument.Parse(result.Out).RootElement.Clone();
    }

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) => e.GetProperty(name).EnumerateArray();

    [Fact]
    public void Madvise_DefaultsToAnonDirtyAndTheCallerGetsAR()
    {
        var r = Json("inject", "madvise", "--profile", "generic");

        Assert.Equal("anon-dirty", r.GetProperty("target").GetProperty("kind").GetString());
        Assert.Equal(0, Array(r, "calls").Single().GetProperty("ret").GetInt32());
        var mf = Array(r, "memory_failures").Single();
        Assert.Equal(("dirty LRU page", "Recovered", 12), (mf.GetProperty("page_type").GetString(), mf.GetProperty("result").GetString(), mf.GetProperty("type").GetInt32()));
        var sig = Array(r, "signals").Single();
        Assert.Equal(("SIGBUS", "BUS_MCEERR_AR", 12, true), (sig.GetProperty("signo").GetString(), sig.GetProperty("code").GetString(), sig.GetProperty("addr_lsb").GetInt32(), sig.GetProperty("delivered").GetBoolean()));
        Assert.Equal("SIGBUS", Array(r, "tasks").Single().GetProperty("exit_signal").GetString());
        Assert.Equal(4, r.GetProperty("hardware_corrupted_kb").GetInt32());
        Assert.Contains(Array(r, "dmesg"), l => l.GetString()!.EndsWith("Memory failure: 0x1400: recovery action for dirty LRU page: Recovered", StringComparison.Ordinal));
    }

    [Fact]
    public void Madvise_WithoutCapSysAdmin_EpermAndNothingHappens()
    {
        var r = Json("inject", "madvise", "--no-cap-sys-admin");

        var call = Array(r, "calls").Single();
        Assert.Equal((-1, "EPERM"), (call.GetProperty("ret").GetInt32(), call.GetProperty("errno").GetString()));
        Assert.Empty(Array(r, "memory_failures"));
        Assert.False(r.GetProperty("page").GetProperty("hwpoison").GetBoolean());
    }

    [Fact]
    public void Madvise_Pre2024Option_LateKillLeavesTheCallerAlive()
    {
        var r = Json("inject", "madvise", "--option", "madv-hwpoison-action-required=false");

        Assert.Empty(Array(r, "signals"));
        Assert.Equal("running", Array(r, "tasks").Single().GetProperty("state").GetString());
    }

    [Fact]
    public void MemoryFailureQueue_SeventeenthEntryOverflows()
    {
        var r = Json("inject", "memory-failure", "--queue", "--repeat", "17", "--page", "free-buddy");

        Assert.Contains(Array(r, "dmesg"), l => l.GetString()!.EndsWith("Memory failure: buffer overflow when queuing memory failure at 0x1400", StringComparison.Ordinal));
        Assert.Equal(16, Array(r, "memory_failures").Count());
        Assert.Equal("free buddy page", Array(r, "memory_failures").First().GetProperty("page_type").GetString());
    }

    [Fact]
    public void HwpoisonInject_FilteredPageIsLeftAlone()
    {
        var r = Json("inject", "hwpoison-inject", "--page", "file-clean", "--write", "corrupt-filter-enable=1",
            "--write", "corrupt-filter-flags-mask=0x1000", "--write", "corrupt-filter-flags-value=0x1000", "--write", "corrupt-pfn=target");

        Assert.All(Array(r, "calls"), c => Assert.Equal(0, c.GetProperty("ret").GetInt32()));
        Assert.False(r.GetProperty("page").GetProperty("hwpoison").GetBoolean());
    }

    [Fact]
    public void SysfsSoftOffline_FileDirtyPageMigrates_NobodyIsSignalled()
    {
        var r = Json("inject", "sysfs-offline", "--file", "soft_offline_page", "--page", "file-dirty");

        Assert.Equal(9, Array(r, "calls").Single().GetProperty("ret").GetInt32());
        Assert.True(r.GetProperty("page").GetProperty("hwpoison").GetBoolean());
        Assert.Empty(Array(r, "signals"));
        Assert.Equal(4, r.GetProperty("hardware_corrupted_kb").GetInt32());
    }

    [Fact]
    public void EinjThenScrub_EarlyKillGetsAO()
    {
        var r = Json("inject", "einj", "--then", "scrub", "--mce-kill", "early");

        var sig = Array(r, "signals").Single();
        Assert.Equal("BUS_MCEERR_AO", sig.GetProperty("code").GetString());
        Assert.Equal("Recovered", Array(r, "memory_failures").Single().GetProperty("result").GetString());
    }

    [Fact]
    public void EinjThenLoad_TheGenericTrapKillsTheConsumer()
    {
        var r = Json("inject", "einj", "--then", "load", "--param1", "0x1400100");

        Assert.Contains("UserTrapped", Array(r, "notes").Single().GetString(), StringComparison.Ordinal);
        Assert.Equal("BUS_MCEERR_AR", Array(r, "signals").Single().GetProperty("code").GetString());
    }

    [Fact]
    public void GhesSeaKernelModeWithGate_NoSigbus()
    {
        var gated = Json("inject", "ghes", "--notify", "sea", "--context", "kernel", "--gate");
        var ungated = Json("inject", "ghes", "--notify", "sea", "--context", "kernel");

        Assert.Empty(Array(gated, "signals"));
        Assert.Equal("BUS_MCEERR_AR", Array(ungated, "signals").Single().GetProperty("code").GetString());
    }

    [Fact]
    public void GhesMalformedRecord_IsBadInputAndNothingIsWritten()
    {
        var path = Path.Combine(Path.GetTempPath(), "kmodel-inject-bad-" + Environment.ProcessId + ".hex");
        File.WriteAllText(path, "01000000 00000000 00000000 ff000000 00000000\n");
        try
        {
            var result = Kmodel.Run("inject", "ghes", "--record", path);

            Assert.Equal(2, result.ExitCode);
            Assert.Equal("", result.Out);
            Assert.Contains("malformed CPER record", result.Error, StringComparison.Ordinal);
            Assert.Contains("the block declares 275 bytes but the record has only 20", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--page", "nope", "unknown page kind 'nope'")]
    [InlineData("--kernel", "v5", "unknown kernel 'v5': valid are v6.17, mm-next")]
    [InlineData("--option", "nope=1", "unknown option 'nope'")]
    [InlineData("--sysctl", "vm.memory_failure_early_kill=7", "invalid value '7' for vm.memory_failure_early_kill: valid values are 0..1")]
    [InlineData("--profile", "vax", "unknown profile 'vax'")]
    public void BadValues_Exit2NamingTheValue(string option, string value, string message)
    {
        var result = Kmodel.Run("inject", "madvise", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_SameSeedSameOutput()
    {
        var a = Kmodel.Run("inject", "madvise", "--mappers", "1", "--sysctl", "vm.memory_failure_early_kill=1");
        var b = Kmodel.Run("inject", "madvise", "--mappers", "1", "--sysctl", "vm.memory_failure_early_kill=1");

        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Out, b.Out);
        Assert.Contains("victim-child1:2 SIGBUS BUS_MCEERR_AO addr=0x7efffffff000 lsb=12", a.Out, StringComparison.Ordinal);
    }
}
