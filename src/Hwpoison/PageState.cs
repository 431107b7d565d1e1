using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// struct page_state (mm/memory-failure.c): a row of error_states[]: the page matches when
/// <c>(flags &amp; Mask) == Value</c>, is reported as <see cref="Type"/> and handled by <see cref="Action"/>.
/// </summary>
/// <param name="Mask">The flags tested.</param>
/// <param name="Value">The value they must have.</param>
/// <param name="Type">The page type action_result() reports.</param>
/// <param name="Action">The handler (me_*).</param>
/// <param name="ActionName">The handler's kernel name, for traces and tests.</param>
[KernelSymbol("mm/memory-failure.c", "page_state")]
internal sealed record PageState(PageFlags Mask, PageFlags Value, ActionPageType Type, Func<PageStateHandlers, PageState, Page, MfResult> Action, string ActionName);
