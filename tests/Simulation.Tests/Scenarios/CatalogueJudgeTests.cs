using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Scenarios;

/// <summary>The one theory that judges every scenario of the catalogue under every profile.</summary>
public sealed class CatalogueJudgeTests
{
    private static readonly IServiceProvider Services = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services;

    public static TheoryData<string, string> Runs()
    {
        var data = new TheoryData<string, string>();
        foreach (var scenario in Services.GetRequiredService<ScenarioCatalog>().All)
        {
            foreach (var profile in Services.GetRequiredService<ProfileCatalog>().All)
            {
                data.Add(scenario.Id, profile.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Scenario_OnProfile_HasTheDeclaredOutcome(string id, string profile)
    {
        var scenario = Services.GetRequiredService<ScenarioCatalog>().Get(id);

        var outcome = Services.GetRequiredService<ScenarioRunner>().Run(scenario, profile, seed: 1);

        Assert.Null(scenario.Expect(profile).Judge(outcome));
    }

    [Fact]
    public void SameSeed_ByteIdenticalJson()
    {
        var runner = Services.GetRequiredService<ScenarioRunner>();
        var scenario = Services.GetRequiredService<ScenarioCatalog>().Get("user-load-anon");

        Assert.Equal(ScenarioJson.ToJson(runner.Run(scenario, "x86_64", 3)), ScenarioJson.ToJson(runner.Run(scenario, "x86_64", 3)));
    }

    [Fact]
    public void Judge_ReportsEveryDifference()
    {
        var outcome = Services.GetRequiredService<ScenarioRunner>().Run(Services.GetRequiredService<ScenarioCatalog>().Get("user-load-anon"), "generic", 1);
        var wrong = Expectation.Panics() with { Queued = 2, Result = "SCAN_COPY_MC" };

        var verdict = wrong.Judge(outcome);

        Assert.Equal("panicked False, expected True; result none, expected SCAN_COPY_MC; 0 memory_failure_queue calls, expected 2", verdict);
    }
}
