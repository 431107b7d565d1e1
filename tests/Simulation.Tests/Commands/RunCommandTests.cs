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
        Assert.Contains(result.Out.Split('\n'), l => l.StartsWith("user-load-anon  a process loads", StringComparison.Ordinal));
    }
}
