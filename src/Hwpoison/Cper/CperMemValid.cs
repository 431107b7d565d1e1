// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>The validation bits of a platform memory error section (include/linux/cper.h, CPER_MEM_VALID_*).</summary>
[Flags]
[KernelSymbol("include/linux/cper.h", "CPER_MEM_VALID_PA")]
public enum CperMemValid : ulong
{
    None = 0,
    ErrorStatus = 0x0001,
    Pa = 0x0002,
    PaMask = 0x0004,
    Node = 0x0008,
    Card = 0x0010,
    Module = 0x0020,
    Bank = 0x0040,
    Device = 0x0080,
    Row = 0x0100,
    Column = 0x0200,
    BitPosition = 0x0400,
    RequestorId = 0x0800,
    ResponderId = 0x1000,
    TargetId = 0x2000,
    ErrorType = 0x4000,
    RankNumber = 0x8000,
    CardHandle = 0x10000,
    ModuleHandle = 0x20000,
    RowExt = 0x40000,
    BankGroup = 0x80000,
    BankAddress = 0x100000,
    ChipId = 0x200000,
}
