using System.Text.Json;

namespace KernelModel.Simulation.Tests.Commands;

public sealed class ExtableCommandTests
{
    private static (string Routine, string Site, string Access, string Type, int TypeValue, string Fixup, bool Recoverable)[] JsonRows(string profile)
    {
        var result = Kmodel.Run("extable", "--profile", profile, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        return doc.RootElement.EnumerateArray().Select(e => (
            e.GetProperty("routine").GetString()!, e.GetProperty("site").GetString()!, e.GetProperty("access").GetString()!,
            e.GetProperty("type").GetString()!, e.GetProperty("type_value").GetInt32(), e.GetProperty("fixup").GetString()!,
            e.GetProperty("recoverable").GetBoolean())).ToArray();
    }

    [Fact]
    public void Json_Riscv64_EveryLoadAndStoreOfMemcpyMcIsARecoverableFixupTo6AndMemcpyHasNone()
    {
        var rows = JsonRows("riscv64");

        var mc = rows.Where(r => r.Routine == "__memcpy_mc").ToArray();
        Assert.Equal(38, mc.Length);
        Assert.Equal(19, mc.Count(r => r.Access == "load"));
        Assert.Equal(19, mc.Count(r => r.Access == "store"));
        Assert.All(mc, r => Assert.Equal(("EX_TYPE_FIXUP", 1, "6f: a0 = a2", true), (r.Type, r.TypeValue, r.Fixup, r.Recoverable)));
        Assert.Equal(".Llead_copy: LOAD_B a5, 0(a1)", mc[0].Site);
        Assert.DoesNotContain(rows, r => r.Routine == "__memcpy");
        Assert.Equal(23, rows.Count(r => r.Routine == "__asm_copy_to_user"));
        Assert.Equal(20, rows.Count(r => r.Type == "EX_TYPE_UACCESS_ERR_ZERO" && r.Recoverable));
        Assert.Equal(61 + 20, rows.Length);
    }

    [Fact]
    public void Json_Generic_TheUaccessEntriesAreNotRecoverable()
    {
        var rows = JsonRows("generic");

        Assert.Equal(
            [("__copy_to_user", "store", "EX_TYPE_UACCESS", false), ("__copy_from_user", "load", "EX_TYPE_UACCESS", false)],
            rows.Select(r => (r.Routine, r.Access, r.Type, r.Recoverable)));
    }

    [Fact]
    public void Text_Upstream_HeaderAndOneLinePerEntry()
    {
        var result = Kmodel.Run("extable", "--profile", "riscv64-upstream");

        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("riscv64-upstream: 43 exception-table entries", lines[0]);
        Assert.StartsWith("routine", lines[1]);
        Assert.Equal(45, lines.Length);
        Assert.All(lines.Skip(2).Take(23), l => Assert.Matches(@"^__asm_copy_to_user\s+.+\s+(load|store)\s+EX_TYPE_FIXUP \(1\)\s+10f: a0 = t5 - a0\s+yes$", l));
        Assert.All(lines.Skip(25), l => Assert.Matches(@"^(__get_user_asm|__put_user_asm|__futex_atomic_op|futex_atomic_cmpxchg_inatomic)\s+.+\s+EX_TYPE_UACCESS_ERR_ZERO \(3\)\s+3: err = -EFAULT, value = 0\s+yes$", l));
    }

    [Fact]
    public void UnknownProfile_IsExit2WithTheValidOnes()
    {
        var result = Kmodel.Run("extable", "--profile", "sparc");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown profile 'sparc': valid profiles are ", result.Error);
        Assert.Contains("generic, riscv32, riscv64, riscv64-upstream", result.Error);
    }
}
