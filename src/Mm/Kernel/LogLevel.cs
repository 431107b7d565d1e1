// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>printk levels (include/linux/kern_levels.h), KERN_EMERG = 0 to KERN_DEBUG = 7.</summary>
public enum LogLevel
{
    Emerg = 0,
    Alert = 1,
    Crit = 2,
    Err = 3,
    Warning = 4,
    Notice = 5,
    Info = 6,
    Debug = 7,
}
