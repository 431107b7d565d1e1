using System.Text.Json;
using KernelModel.Arch.RiscV.Asm;
using KernelModel.Mm;

namespace KernelModel.Simulation.Tests.Commands;

public sealed class AsmCommandTests : IDisposable
{
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var f in _files)
        {
            File.Delete(f);
        }
    }

    [Fact]
    public void WithoutPatch_IsBadInput()
    {
        var result = Kmodel.Run("asm", "check");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--patch", result.Error);
    }

    [Fact]
    public void UnreadablePatch_IsBadInputNamingTheFile()
    {
        var result = Kmodel.Run("asm", "check", "--patch", "/nonexistent/x.patch");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("kmodel: cannot read patch '/nonexistent/x.patch'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedPatch_IsBadInputWithThePatchLine()
    {
        var path = Temp("--- /dev/null\n+++ b/arch/riscv/lib/f.S\n@@ -0,0 +1,3 @@\n+nop\n");

        var result = Kmodel.Run("asm", "check", "--patch", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"kmodel: {path}:3: hunk of arch/riscv/lib/f.S is cut short: 0 old and 2 new lines of it are missing\n", result.Error);
    }

    [Fact]
    public void UnsupportedInstruction_IsBadInputWithFileAndLine()
    {
        var path = Temp(NewFile("arch/riscv/lib/f.S", "#include <linux/linkage.h>\nSYM_FUNC_START(__memcpy_mc)\nmul a0, a1, a2\nret\nSYM_FUNC_END(__memcpy_mc)"));

        var result = Kmodel.Run("asm", "check", "--patch", path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("kmodel: arch/riscv/lib/f.S:3: unknown instruction 'mul a0, a1, a2'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedDirective_IsBadInputWithFileAndLine()
    {
        var path = Temp(NewFile("arch/riscv/lib/f.S", "__memcpy_mc:\n.pushsection .data\nret"));

        var result = Kmodel.Run("asm", "check", "--patch", path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("kmodel: arch/riscv/lib/f.S:2: unsupported directive '.pushsection'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingInclude_IsBadInputWithFileAndLine()
    {
        var path = Temp(NewFile("arch/riscv/lib/f.S", "#include <asm/nothere.h>\n__memcpy_mc: ret"));

        var result = Kmodel.Run("asm", "check", "--patch", path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("kmodel: arch/riscv/lib/f.S:1: #include <asm/nothere.h>: not in the patch", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void WarningDirective_IsReportedAsANote()
    {
        var path = Temp(NewFile("arch/riscv/lib/f.S", "#warning widgets are experimental\n__memcpy_mc: ret"));
        using var stdout = new StringWriter();
        var command = new AsmCommand(new ConsoleStreams(stdout, TextWriter.Null), new ProfileCatalog([]), FixupAnyEntryTrapDouble.Create);

        var code = command.Check(path, [64], "__memcpy_mc", AsmGrid.Smoke, json: false);

        Assert.Equal(1, code);
        Assert.Contains("  note: arch/riscv/lib/f.S:1: #warning widgets are experimental\n", stdout.ToString());
    }

    [Theory]
    [InlineData("--xlen", "48", "kmodel: invalid --xlen 48: valid values are 64 and 32")]
    [InlineData("--grid", "huge", "kmodel: invalid --grid 'huge': valid values are full, stratified and smoke")]
    [InlineData("--routine", "nope", "kmodel: routine 'nope' is not named in the patch's assembler sources under arch/riscv/lib/ (translation units: arch/riscv/lib/memcpy.S, arch/riscv/lib/memcpy_mc.S)")]
    public void BadOption_IsBadInputNamingTheValue(string option, string value, string message)
    {
        var result = Kmodel.Run("asm", "check", "--patch", Seed.Path, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(message, result.Error.TrimEnd());
    }

    [Fact]
    public void Seed_AgainstReferencesThatAgree_PassesAndListsTheStoreFixups()
    {
        var (code, output, _) = Check(Agreeing(), null, "smoke", json: false);

        Assert.Equal(0, code);
        Assert.Contains("kmodel asm check: [PATCH] riscv: add copy_mc_to_{kernel,user} support to enable MC fault tolerance", output);
        Assert.Contains(output.Split('\n'), l => l.StartsWith("  arch/riscv/lib/memcpy.S ", StringComparison.Ordinal) && l.EndsWith(" changed: lines 1-6, after 43 not in the patch", StringComparison.Ordinal));
        foreach (var xlen in new[] { 64, 32 })
        {
            Assert.Contains($"RV{xlen}: __memcpy_mc (aliases ", output);
        }

        Assert.Contains("    38 x EX_TYPE_FIXUP (1) -> 6f: arch/riscv/lib/memcpy_mc.S:52 move a0, a2", output);
        Assert.Contains("  stores with an entry: 19 of 19\n    arch/riscv/lib/memcpy_template.S:50 sb a5, 0(t6)\n", output);
        Assert.Contains("    arch/riscv/lib/memcpy_template.S:70 sd a4, 0(t6)\n", output);
        Assert.Contains("    arch/riscv/lib/memcpy_template.S:70 sw a4, 0(t6)\n", output);
        Assert.Contains("  destination fault: copy_mc_to_kernel(4096 bytes) to a destination outside the linear map returned 4096, no oops: the store at arch/riscv/lib/memcpy_template.S:70 sd a4, 0(t6) faulted and the trap took extable EX_TYPE_FIXUP -> 6f", output);
        Assert.Contains("  cross-check against riscv64: 856 cases, 0 differences", output);
        Assert.Contains("  cross-check against riscv32: 856 cases, 0 differences", output);
        Assert.Contains("held in every case", output);
        Assert.Contains("    .Lunrolled_loop ", output);
        Assert.Contains("; always over by exactly the bytes the phase had stored", output);
        Assert.EndsWith("result: pass\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceNotRegistered_IsReportedAndFails()
    {
        var (code, output, _) = Check(new ProfileCatalog([]), 64, "smoke", json: false);

        Assert.Equal(1, code);
        Assert.Contains("  cross-check: not run: profile 'riscv64' is not registered (registered: )", output);
        Assert.EndsWith("result: FAIL\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceThatDiffers_ListsTheCases()
    {
        // The generic fallback under the riscv32 name: every consumed poison kills it, where the patch returns.
        var catalog = new ProfileCatalog([new Profile("riscv32", "generic, renamed for the test", m => new GenericArchitecture(m))]);

        var (code, output, _) = Check(catalog, 32, "smoke", json: false);

        Assert.Equal(1, code);
        Assert.Contains("  cross-check against riscv32: 856 cases, 504 differences", output);
        Assert.Contains("    len 1 src+0 dst+0 poison [0]: patch returned 1, stored 0, reference died (Oops: copyprobe:", output);
    }

    [Fact]
    public void Json_HasTheExtableThePrecisionAndTheComparison()
    {
        var (code, output, _) = Check(Agreeing(), 64, "smoke", json: true);

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        var rv64 = Assert.Single(root.GetProperty("xlens").EnumerateArray());
        Assert.Equal(64, rv64.GetProperty("xlen").GetInt32());
        var extable = rv64.GetProperty("extable").EnumerateArray().ToArray();
        Assert.Equal(38, extable.Length);
        Assert.Equal(19, extable.Count(e => e.GetProperty("access").GetString() == "store"));
        Assert.All(extable, e => Assert.Equal(1, e.GetProperty("typeValue").GetInt32()));
        Assert.Equal(0, rv64.GetProperty("storesWithoutEntry").GetArrayLength());
        Assert.Equal(4096, rv64.GetProperty("destinationFault").GetProperty("returned").GetInt64());
        var phases = rv64.GetProperty("precision").EnumerateArray().Select(p => p.GetProperty("phase").GetString()!).ToArray();
        Assert.Equal([".Llead_copy", ".Lunrolled_loop", ".Lword_tail", ".Lbyte_tail"], phases);
        Assert.Equal(0, rv64.GetProperty("reference").GetProperty("differences").GetInt32());
        Assert.Equal(856, rv64.GetProperty("reference").GetProperty("compared").GetInt32());
    }

    [Fact]
    public void Seed_AgainstTheCSharpRiscVBackend_HasNoDifferenceOnEitherXlen()
    {
        var result = Kmodel.Run("asm", "check", "--patch", Seed.Path, "--grid", "smoke");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("cross-check against riscv64: 856 cases, 0 differences", result.Out);
        Assert.Contains("cross-check against riscv32: 856 cases, 0 differences", result.Out);
        Assert.EndsWith("result: pass" + Environment.NewLine, result.Out);
    }

    private static (int Code, string Out, string Error) Check(ProfileCatalog catalog, int? xlen, string grid, bool json)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var command = new AsmCommand(new ConsoleStreams(stdout, stderr), catalog, FixupAnyEntryTrapDouble.Create);
        var code = command.Check(Seed.Path, AsmCommand.Xlens(xlen), PatchAssembler.DefaultRoutine, AsmCommand.Grid(grid), json);
        return (code, stdout.ToString(), stderr.ToString());
    }

    // Reference profiles that are the patch itself, assembled again: the comparison must find nothing.
    private static ProfileCatalog Agreeing()
    {
        var patch = PatchReader.ReadFile(Seed.Path);
        return new ProfileCatalog(new[] { 64, 32 }.Select(x =>
        {
            var routine = PatchAssembler.Assemble(patch, AsmTarget.ForXlen(x));
            return new Profile(AsmCommand.ReferenceProfile(x), "the patch assembled again", m => new AsmArchitecture(m, routine, FixupAnyEntryTrapDouble.Create));
        }));
    }

    private static string NewFile(string path, string text)
    {
        var lines = text.Split('\n');
        return $"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{lines.Length} @@\n" + string.Concat(lines.Select(l => "+" + l + "\n"));
    }

    private string Temp(string text)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, text);
        _files.Add(path);
        return path;
    }

    /// <summary>Test double of the RISC-V trap: any exception-table entry is fixed up, otherwise the kernel dies.</summary>
    private sealed class FixupAnyEntryTrapDouble(Machine machine, ExceptionTable extable) : IArchTrap
    {
        public static IArchTrap Create(Machine machine, ExceptionTable extable) => new FixupAnyEntryTrapDouble(machine, extable);

        public TrapDecision HardwareError(Cpu cpu, HardwareErrorEvent error) => FixupOrDie(cpu, error.Site);

        public TrapDecision KernelPageFault(Cpu cpu, PageFaultEvent fault) => FixupOrDie(cpu, fault.Site);

        public bool IsRecoverable(ExtableEntry entry) => true;

        private TrapDecision FixupOrDie(Cpu cpu, CodeSite site) =>
            extable.Search(site) is { } entry ? TrapDecision.Fixup(entry) : throw machine.Die(cpu, n => $"test double: no fixup for {site} [#{n}]");
    }

    /// <summary>The seed patch, read at run time from shared/seeds/ beside the repository (above the folder of KernelModel.sln).</summary>
    private static class Seed
    {
        public static string Path
        {
            get
            {
                var root = new DirectoryInfo(AppContext.BaseDirectory);
                while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "KernelModel.sln")))
                {
                    root = root.Parent;
                }

                for (var dir = root?.Parent; dir is not null; dir = dir.Parent)
                {
                    var seed = System.IO.Path.Combine(dir.FullName, "shared", "seeds", "000_c9e1f456e42b6852.txt");
                    if (File.Exists(seed))
                    {
                        return seed;
                    }
                }

                throw new InvalidOperationException("the seed is not in shared/seeds/ beside the repository");
            }
        }
    }
}
