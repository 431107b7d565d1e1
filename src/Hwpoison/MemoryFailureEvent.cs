using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// One ras:memory_failure_event trace record (include/ras/ras_event.h, TRACE_EVENT(memory_failure_event)), as
/// action_result() emits it for every outcome, with the record's fields (pfn, type, result).
/// </summary>
/// <param name="Nanoseconds">Virtual time of the event.</param>
/// <param name="Pfn">The pfn field.</param>
/// <param name="Type">The page type.</param>
/// <param name="TypeValue">The type field as the running kernel numbers it.</param>
/// <param name="TypeName">The page-type string the kernel prints for it.</param>
/// <param name="Result">The result field.</param>
[KernelSymbol("include/ras/ras_event.h", "memory_failure_event")]
public sealed record MemoryFailureEvent(long Nanoseconds, ulong Pfn, ActionPageType Type, int TypeValue, string TypeName, MfResult Result)
{
    /// <summary>The event's TP_printk: <c>pfn %#lx: recovery action for %s: %s</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"pfn {Printf.HashLx(Pfn)}: recovery action for {TypeName}: {Result.ActionName()}");
}
