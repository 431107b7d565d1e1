using System.CommandLine;
using KernelModel.Arch.Arm64;
using KernelModel.Arch.RiscV;
using KernelModel.Arch.X86;
using KernelModel.Hwpoison;
using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;
using KernelModel.Simulation.Simulate;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KernelModel.Simulation;

/// <summary>
/// The composition root: the host's DI container holds the profiles, the memory-failure handler and every
/// command; System.CommandLine parses. Bad input is one line on stderr naming the value and what is valid,
/// and exit code 2.
/// </summary>
public static class KmodelHost
{
    /// <summary>Exit code for bad input (unknown profile, value out of range, malformed file).</summary>
    public const int BadInput = 2;

    /// <summary>Runs kmodel with <paramref name="args"/>, writing to the given streams; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var host = BuildHost(args, stdout, stderr);
        var root = new RootCommand("kmodel: a behavioural model of Linux hardware-memory-error recovery (mm/hwpoison, copy_mc)");
        foreach (var command in host.Services.GetServices<IKmodelCommand>())
        {
            command.Attach(root);
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                stderr.WriteLine("kmodel: " + error.Message);
            }

            return BadInput;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (ArgumentException bad)
        {
            stderr.WriteLine("kmodel: " + bad.Message);
            return BadInput;
        }
    }

    /// <summary>The host with every service registered (tests resolve from it too).</summary>
    public static IHost BuildHost(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
        // Options: appsettings.json beside the program, then the environment (KMODEL_Section__Key); the command line overrides both.
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true).AddEnvironmentVariables("KMODEL_");
        builder.Services.AddSingleton(new ConsoleStreams(stdout, stderr));
        builder.Services.AddGenericProfile();
        builder.Services.AddArchRiscV();
        builder.Services.AddArchArm64();
        builder.Services.AddArchX86();
        builder.Services.AddHwpoison();
        builder.Services.AddSingleton(sp => new ProfileCatalog(sp.GetServices<Profile>(), sp.GetService<Func<Machine, IMemoryFailure>>(), sp.GetService<Func<Machine, IGhes>>()));
        builder.Services.AddSingleton<ScenarioCatalog>();
        builder.Services.AddSingleton<ScenarioRunner>();
        builder.Services.AddSimulation();
        foreach (var type in typeof(KmodelHost).Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && typeof(IKmodelCommand).IsAssignableFrom(t)).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            builder.Services.AddSingleton(typeof(IKmodelCommand), type);
        }

        return builder.Build();
    }
}
