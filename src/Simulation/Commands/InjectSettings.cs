namespace KernelModel.Simulation;

/// <summary>The options every <c>kmodel inject</c> interface shares.</summary>
/// <param name="Profile">The architecture profile.</param>
/// <param name="Kernel">The kernel-version preset (v6.17, mm-next).</param>
/// <param name="Options">name=value overrides of single kernel behaviours.</param>
/// <param name="Page">The page kind to build.</param>
/// <param name="Mappers">Extra processes mapping it.</param>
/// <param name="Subpage">Which 4 KiB page of a large folio.</param>
/// <param name="Sysctls">name=value sysctls.</param>
/// <param name="MceKill">A PR_MCE_KILL policy for every mapper (early, late, default), or null.</param>
/// <param name="NoCapSysAdmin">Whether the caller lacks CAP_SYS_ADMIN.</param>
/// <param name="Seed">The machine's seed.</param>
/// <param name="Json">JSON output.</param>
internal sealed record InjectSettings(string Profile, string Kernel, string[] Options, string Page, int Mappers, int Subpage,
    string[] Sysctls, string? MceKill, bool NoCapSysAdmin, int Seed, bool Json);
