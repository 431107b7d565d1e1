namespace KernelModel.Simulation.Tests.Commands;

public sealed class DemoCommandTests
{
    [Fact]
    public void NoArguments_CleanCopySucceedsAndPoisonedCopyPanics()
    {
        var result = Kmodel.Run();

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("on a clean page: returned 0, destination equals source", result.Out);
        Assert.Contains("machine PANICKED (Fatal exception)", result.Out);
        Assert.Contains("] Kernel panic - not syncing: Fatal exception", result.Out);
    }

    [Fact]
    public void SameSeed_GivesIdenticalOutput()
    {
        Assert.Equal(Kmodel.Run("--seed", "7").Out, Kmodel.Run("--seed", "7").Out);
    }

    [Fact]
    public void UnknownOption_IsBadInputWithExitCode2()
    {
        var result = Kmodel.Run("--no-such-option");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.Error);
    }

    [Fact]
    public void MalformedSeed_NamesTheValue()
    {
        var result = Kmodel.Run("--seed", "seven");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("seven", result.Error);
    }
}
