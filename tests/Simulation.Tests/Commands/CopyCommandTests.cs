using System.Text.Json;
using KernelModel.Mm;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Commands;

public sealed class CopyCommandTests
{
    [Fact]
    public void Json_Riscv64BulkFault_ReturnsA2AtTheFaultAndTheFixup()
    {
        var result = Kmodel.Run("copy", "--profile", "riscv64", "--routine", "copy_mc_to_kernel", "--len", "1024", "--poison", "600", "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var r = doc.RootElement;
        Assert.Equal(1024, r.GetProperty("returned").GetInt64());
        Assert.Equal(512, r.GetProperty("stored").GetInt64());
        Assert.Equal(576, r.GetProperty("first_poison").GetInt64());
        Assert.False(r.GetProperty("panicked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("panic_message").ValueKind);
        Assert.True(r.GetProperty("contract_ok").GetBoolean());
        var trap = Assert.Single(r.GetProperty("traps").EnumerateArray());
        Assert.Equal("hardware_error", trap.GetProperty("kind").GetString());
        Assert.Equal("__memcpy_mc", trap.GetProperty("routine").GetString());
        Assert.Equal(".Lunrolled_loop: LOAD_REG t4, 8*SZREG(a1)", trap.GetProperty("site").GetString());
        Assert.Equal("fixup", trap.GetProperty("outcome").GetString());
        Assert.Equal("extable EX_TYPE_FIXUP -> 6f: a0 = a2", trap.GetProperty("detail").GetString());
    }

    [Fact]
    public void Json_Riscv64Memcpy_PanicsAndTheContractHoldsForARoutineWithoutRecovery()
    {
        var result = Kmodel.Run("copy", "--profile", "riscv64", "--routine", "memcpy", "--len", "256", "--poison", "100", "--json");

        using var doc = JsonDocument.Parse(result.Out);
        var r = doc.RootElement;
        Assert.True(r.GetProperty("panicked").GetBoolean());
        Assert.Equal("Fatal exception in interrupt", r.GetProperty("panic_message").GetString());
        Assert.Equal("died", Assert.Single(r.GetProperty("traps").EnumerateArray()).GetProperty("outcome").GetString());
        Assert.True(r.GetProperty("contract_ok").GetBoolean());
    }

    [Fact]
    public void Json_GenericPoisonedCopy_OopsesWithoutPanic()
    {
        var result = Kmodel.Run("copy", "--profile", "generic", "--routine", "copy_mc_to_kernel", "--len", "256", "--src-offset", "3", "--poison", "100", "--json");

        using var doc = JsonDocument.Parse(result.Out);
        var r = doc.RootElement;
        Assert.True(r.GetProperty("died").GetBoolean());
        Assert.False(r.GetProperty("panicked").GetBoolean());
        Assert.Equal(61, r.GetProperty("stored").GetInt64());
        Assert.Equal(61, r.GetProperty("first_poison").GetInt64());
        Assert.True(r.GetProperty("contract_ok").GetBoolean());
    }

    [Fact]
    public void Text_UserCopyWithTwoPoisonedLines_PrintsEveryField()
    {
        var result = Kmodel.Run("copy", "--profile", "riscv32", "--routine", "copy_mc_to_user", "--len", "1000", "--src-offset", "3", "--poison", "200,900");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal("riscv32: copy_mc_to_user(len 1000, src+3, dst+0), poison [200,900]", lines[0]);
        Assert.Contains("returned      812", lines);
        Assert.Contains("stored        188 of 1000", lines);
        Assert.Contains("first poison  189", lines);
        Assert.Contains("traps         1", lines);
        Assert.Contains("kernel        running", lines);
        Assert.Contains("contract      held", lines);
    }

    [Fact]
    public void Json_CleanCopyOnEveryRegisteredProfileAndRoutine_ReturnsZeroAndHoldsTheContract()
    {
        using var host = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null);
        var catalog = host.Services.GetRequiredService<ProfileCatalog>();
        Assert.Contains(catalog.All, p => p.Name == "generic");
        foreach (var profile in catalog.All)
        {
            foreach (var routine in catalog.Boot(profile.Name, CopyCommand.MachineConfig).Arch.CopyRoutines)
            {
                string[] size = routine.PageOnly ? ["--len", "4096"] : ["--len", "300", "--src-offset", "5", "--dst-offset", "9"];
                var result = Kmodel.Run(["copy", "--profile", profile.Name, "--routine", routine.Name, .. size, "--json"]);

                Assert.True(result.ExitCode == 0, $"{profile.Name} {routine.Name}: {result.Error}");
                using var doc = JsonDocument.Parse(result.Out);
                var r = doc.RootElement;
                Assert.Equal(0, r.GetProperty("returned").GetInt64());
                Assert.Equal(routine.PageOnly ? 4096 : 300, r.GetProperty("stored").GetInt64());
                Assert.Equal(JsonValueKind.Null, r.GetProperty("first_poison").ValueKind);
                Assert.Empty(r.GetProperty("traps").EnumerateArray());
                Assert.True(r.GetProperty("contract_ok").GetBoolean(), $"{profile.Name} {routine.Name}");
            }
        }
    }

    [Fact]
    public void SameArguments_GiveIdenticalOutput()
    {
        string[] args = ["copy", "--profile", "riscv64", "--routine", "copy_mc_to_user", "--len", "5000", "--src-offset", "7", "--poison", "3000", "--json"];

        Assert.Equal(Kmodel.Run(args).Out, Kmodel.Run(args).Out);
    }

    [Theory]
    [InlineData("--profile", "nope", "unknown profile 'nope': valid profiles are ")]
    [InlineData("--routine", "copy_mc_page", "unknown routine 'copy_mc_page' for profile riscv64: valid are copy_mc_to_kernel, copy_mc_to_user, memcpy")]
    [InlineData("--len", "65537", "invalid length 65537: valid lengths are 0..65536")]
    [InlineData("--len", "-1", "invalid length -1")]
    [InlineData("--src-offset", "4096", "invalid offsets src 4096 / dst 0: valid offsets are 0..4095")]
    [InlineData("--dst-offset", "-3", "invalid offsets src 0 / dst -3")]
    [InlineData("--poison", "4200", "invalid poison offset 4200: valid offsets are 0..4195")]
    [InlineData("--poison", "5,,7", "invalid poison offset '' in --poison '5,,7'")]
    [InlineData("--poison", "-4", "invalid poison offset '-4'")]
    public void BadValue_IsExit2WithAMessageNamingIt(string option, string value, string message)
    {
        var args = new Dictionary<string, string> { ["--profile"] = "riscv64", ["--routine"] = "memcpy", ["--len"] = "100" };
        args[option] = value;

        var result = Kmodel.Run(["copy", .. args.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void MissingLen_IsExit2()
    {
        var result = Kmodel.Run("copy", "--profile", "riscv64", "--routine", "memcpy");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--len", result.Error);
    }
}
