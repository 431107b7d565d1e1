using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Arch.Arm64;

/// <summary>DI registration of the arm64 profiles (arm64, arm64-upstream).</summary>
public static class Arm64ServiceCollectionExtensions
{
    /// <summary>Registers the arm64 profiles (arm64, arm64-upstream).</summary>
    public static IServiceCollection AddArchArm64(this IServiceCollection services) => services;
}
