namespace KernelModel.Mm;

/// <summary>Capabilities the interfaces check (include/uapi/linux/capability.h), with the kernel's numbers.</summary>
public enum Capability
{
    /// <summary>CAP_SYS_ADMIN: madvise(MADV_HWPOISON / MADV_SOFT_OFFLINE), hwpoison_inject.</summary>
    SysAdmin = 21,

    /// <summary>CAP_SYS_RESOURCE.</summary>
    SysResource = 24,
}
