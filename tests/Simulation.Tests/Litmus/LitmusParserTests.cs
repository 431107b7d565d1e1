using KernelModel.Simulation.Litmus;

namespace KernelModel.Simulation.Tests.Litmus;

public sealed class LitmusParserTests
{
    [Fact]
    public void Parse_ReadsHeaderStepsAndExpectations()
    {
        var file = LitmusParser.Parse(
            "# comment\nlitmus x\nsummary s\nrequires file\nlate\nprocess P0\nP0 mmap a anon private 1\nP0 fork P1\nmodel-only P1 poison a 0 0x40\n" +
            "P1 read a 0 => sig=SIGBUS/BUS_MCEERR_AR/12@a+0x0 data=-\nconsole Memory failure: 0x#: recovery action for *: Recovered\ncounters total=+1\n", "x.litmus");

        Assert.Equal(("x", "s", true), (file.Id, file.Summary, file.Late));
        Assert.Equal(["file"], file.Requires);
        Assert.Equal(["P0"], file.Processes);
        Assert.Equal([1, 2, 3, 4], file.Steps.Select(s => s.Number));
        Assert.True(file.Steps[2].ModelOnly);
        Assert.Equal("SIGBUS/BUS_MCEERR_AR/12@a+0x0", file.Steps[3].Expect["sig"]);
        Assert.Equal("P1 read a 0", file.Steps[3].Text);
        Assert.Equal("+1", file.Counters["total"]);
    }

    [Theory]
    [InlineData("process P0\nP0 mmap a anon private 1\n", "x.litmus: no 'litmus ID' line")]
    [InlineData("litmus x\nprocess P0\nP1 read a 0\n", "x.litmus:3: unknown task 'P1'")]
    [InlineData("litmus x\nprocess P0\nP0 jump a\n", "x.litmus:3: unknown operation 'jump'")]
    [InlineData("litmus x\nprocess P0\nP0 read a\n", "x.litmus:3: read takes 2..2 arguments, not 1")]
    [InlineData("litmus x\nprocess P0\nP0 poison a 0 0\n", "x.litmus:3: poison needs real hardware: mark the step model-only")]
    [InlineData("litmus x\nprocess P0\nP0 read a 0 => colour=red\n", "x.litmus:3: unknown field 'colour'")]
    [InlineData("litmus x\ncounters speed=+1\n", "x.litmus:2: unknown counter 'speed'")]
    public void Parse_BadInput_NamesFileLineAndWhatIsValid(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => LitmusParser.Parse(text, "x.litmus"));

        Assert.StartsWith(message, e.Message);
    }

    [Theory]
    [InlineData("Memory failure: 0x1a2b: recovery action for dirty LRU page: Recovered", "Memory failure: 0x#: recovery action for dirty LRU page: Recovered")]
    [InlineData("MCE: Killing P0:123 due to hardware memory corruption fault at 7f3309503400", "MCE: Killing P0:# due to hardware memory corruption fault at #")]
    [InlineData("Injecting memory failure at pfn 0x0", "Injecting memory failure at pfn 0x#")]
    [InlineData("Unpoison: 0x1234: page was already unpoisoned", "Unpoison: 0x#: page was already unpoisoned")]
    public void Normalize_MasksFramesAddressesAndPids(string line, string normalized)
    {
        Assert.Equal(normalized, ConsoleFilter.Normalize(line));
    }

    [Theory]
    [InlineData("Memory failure: 0x#: recovery action for dirty LRU page: Recovered", "Memory failure: 0x#: recovery action for *: Recovered", true)]
    [InlineData("Memory failure: 0x#: recovery action for dirty LRU page: Failed", "Memory failure: 0x#: recovery action for *: Recovered", false)]
    [InlineData("Memory failure: 0x#: already hardware poisoned", "Memory failure: 0x#: already hardware poisoned", true)]
    [InlineData("Memory failure: 0x#: already hardware poisoned!", "Memory failure: 0x#: already hardware poisoned", false)]
    public void Matches_StarMatchesAnyText(string line, string pattern, bool matches)
    {
        Assert.Equal(matches, ConsoleFilter.Matches(line, pattern));
    }
}
