using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>kstrtoull(s, 0): how sysfs and debugfs stores read a written number.</summary>
public sealed class KstrtoullTests
{
    [Theory]
    [InlineData("4096", 0, 4096UL)]
    [InlineData("0x1000\n", 0, 4096UL)]
    [InlineData("0X1f", 0, 31UL)]
    [InlineData("010", 0, 8UL)]
    [InlineData("+7", 0, 7UL)]
    [InlineData("0", 0, 0UL)]
    [InlineData("0x", -Errno.EINVAL, 0UL)]
    [InlineData("12ab", -Errno.EINVAL, 0UL)]
    [InlineData("", -Errno.EINVAL, 0UL)]
    [InlineData("-1", -Errno.EINVAL, 0UL)]
    [InlineData("0x10000000000000000", -34, 0UL)]
    public void Parse_Base0(string text, int ret, ulong value)
    {
        Assert.Equal(ret, Kstrtoull.Parse(text, out var v));
        if (ret == 0)
        {
            Assert.Equal(value, v);
        }
    }
}
