using System.Text.Json;

namespace KernelModel.Simulation.Tests.Commands;

public sealed class SymbolsCommandTests
{
    [Fact]
    public void Json_ListsModelledFunctionsWithTheirKernelFiles()
    {
        var result = Kmodel.Run("symbols", "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var rows = doc.RootElement.EnumerateArray()
            .Select(e => (File: e.GetProperty("file").GetString(), Symbol: e.GetProperty("symbol").GetString(), Model: e.GetProperty("model").GetString()))
            .ToList();
        Assert.Contains(rows, r => r is { File: "mm/page_alloc.c", Symbol: "take_page_off_buddy" } && r.Model!.EndsWith("Zone.TakePageOffBuddy", StringComparison.Ordinal));
        Assert.Contains(rows, r => r is { File: "include/linux/uaccess.h", Symbol: "copy_mc_to_kernel" });
        Assert.Equal(rows.OrderBy(r => r.File, StringComparer.Ordinal).ThenBy(r => r.Symbol, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal), rows);
    }

    [Fact]
    public void Text_OneLinePerSymbol()
    {
        var result = Kmodel.Run("symbols");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.Out.Split('\n'), l => l.StartsWith("mm/filemap.c", StringComparison.Ordinal) && l.Contains("filemap_add_folio"));
    }
}
