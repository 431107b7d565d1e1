namespace KernelModel.Mm;

/// <summary>What memory_failure's action on a page achieved (include/linux/mm.h, enum mf_result).</summary>
[KernelSymbol("include/linux/mm.h", "mf_result")]
public enum MfResult
{
    /// <summary>MF_IGNORED: the error was not handled.</summary>
    Ignored,

    /// <summary>MF_FAILED: handling failed.</summary>
    Failed,

    /// <summary>MF_DELAYED: handled later (e.g. when the page is freed).</summary>
    Delayed,

    /// <summary>MF_RECOVERED: the page was isolated successfully.</summary>
    Recovered,
}

/// <summary>The strings action_result() prints (mm/memory-failure.c, action_name[]).</summary>
public static class MfResultExtensions
{
    /// <summary>"Ignored", "Failed", "Delayed" or "Recovered", as action_name[] spells them.</summary>
    [KernelSymbol("mm/memory-failure.c", "action_name")]
    public static string ActionName(this MfResult result) => result switch
    {
        MfResult.Ignored => "Ignored",
        MfResult.Failed => "Failed",
        MfResult.Delayed => "Delayed",
        MfResult.Recovered => "Recovered",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "not an mf_result"),
    };
}
