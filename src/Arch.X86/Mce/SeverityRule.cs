namespace KernelModel.Arch.X86;

/// <summary>
/// One row of severities[] (struct severity, arch/x86/kernel/cpu/mce/severity.c): the MCi_STATUS mask and
/// result, the MCG_STATUS mask and result, whether it needs software error recovery (SER), the context, whether
/// it applies inside the exception handler, a CPU model and bank range for quirk rows, and the message.
/// </summary>
/// <param name="Sev">The severity the row assigns.</param>
/// <param name="Msg">The message mce_panic prints as "Machine check: %s".</param>
/// <param name="Mask">MCi_STATUS bits looked at.</param>
/// <param name="Result">Their required value.</param>
/// <param name="McgMask">MCG_STATUS bits looked at.</param>
/// <param name="McgRes">Their required value.</param>
/// <param name="Ser">SER_REQUIRED (true), NO_SER (false) or either (null).</param>
/// <param name="Context">The required context, or <see cref="MceErrorContext.Any"/>.</param>
/// <param name="Excp">EXCP_CONTEXT (true), NO_EXCP (false) or either (null).</param>
/// <param name="CpuModel">A quirk row's CPU model, or null.</param>
/// <param name="CpuMinStepping">A quirk row's minimum stepping.</param>
/// <param name="BankLo">A quirk row's first bank (0: any bank).</param>
/// <param name="BankHi">A quirk row's last bank.</param>
/// <param name="MemoryFailureOnly">The row sits inside #ifdef CONFIG_MEMORY_FAILURE.</param>
[KernelSymbol("arch/x86/kernel/cpu/mce/severity.c", "severity")]
public sealed record SeverityRule(
    MceSeverityLevel Sev,
    string Msg,
    ulong Mask = 0,
    ulong Result = 0,
    ulong McgMask = 0,
    ulong McgRes = 0,
    bool? Ser = null,
    MceErrorContext Context = MceErrorContext.Any,
    bool? Excp = null,
    string? CpuModel = null,
    int CpuMinStepping = 0,
    int BankLo = 0,
    int BankHi = 0,
    bool MemoryFailureOnly = false);
