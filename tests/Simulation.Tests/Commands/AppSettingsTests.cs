using KernelModel.Mm;
using KernelModel.Simulation.Fleet;
using KernelModel.Simulation.Reports;
using KernelModel.Simulation.Simulate;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Commands;

/// <summary>The shipped appsettings.json holds exactly the built-in defaults, and the host reads it and the environment.</summary>
public sealed class AppSettingsTests
{
    private static readonly IServiceProvider Services = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services;

    private static IConfiguration Shipped() =>
        new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false).Build();

    [Fact]
    public void Shipped_SimulateSection_IsTheBuiltInDefaults()
    {
        var command = new SimulateCommand(new ConsoleStreams(TextWriter.Null, TextWriter.Null), Services.GetRequiredService<MachineSimulation>(), Shipped(), TerminalInfo.None);

        Assert.Equal(new SimulateOptions(), command.Options(null, null, null, null, null, null, null, null, null, null, null));
    }

    [Fact]
    public void Shipped_FleetSection_IsTheBuiltInDefaults()
    {
        var command = new FleetCommand(new ConsoleStreams(TextWriter.Null, TextWriter.Null), Services.GetRequiredService<ProfileCatalog>(),
            Services.GetRequiredService<FleetSimulation>(), Shipped(), TerminalInfo.None);
        var defaults = new FleetOptions();

        var o = command.Options(null, null, null, null, null, null, null);

        Assert.Equal((defaults.Machines, defaults.Years, defaults.Seed, defaults.Threads, defaults.Shard), (o.Machines, o.Years, o.Seed, o.Threads, o.Shard));
        Assert.Equal(defaults.Profiles, o.Profiles);
        Assert.Equal(defaults.Parameters, o.Parameters);
    }

    [Fact]
    public void Host_ReadsAppSettings()
    {
        var config = Services.GetRequiredService<IConfiguration>();

        Assert.Equal("cloud-host", config["Simulate:Workload"]);
        Assert.Equal("riscv64-upstream", config["Fleet:Profiles:0"]);
    }

    [Fact]
    public void Host_ReadsTheKmodelPrefixedEnvironmentOverAppSettings()
    {
        // A key no command reads, so tests running alongside are not affected.
        Environment.SetEnvironmentVariable("KMODEL_AppSettingsTests__Probe", "from-environment");
        try
        {
            var config = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services.GetRequiredService<IConfiguration>();

            Assert.Equal("from-environment", config["AppSettingsTests:Probe"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KMODEL_AppSettingsTests__Probe", null);
        }
    }
}
