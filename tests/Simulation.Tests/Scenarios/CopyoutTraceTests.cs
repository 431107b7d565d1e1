namespace KernelModel.Simulation.Tests.Scenarios;

/// <summary>
/// <c>kmodel run copyout --profile arm64 --trace</c>: the page-cache read whose copy_to_user consumes poison on a
/// kernel load shows, in order, the abort, GHES's claim, the fixup taken at the copy_template load with the count it
/// leaves, and filemap_read returning the short count.
/// </summary>
public sealed class CopyoutTraceTests
{
    [Fact]
    public void RunCopyoutArm64Trace_ShowsTheFixupInCopyToUserAndTheShortRead()
    {
        var result = Kmodel.Run("run", "copyout", "--profile", "arm64", "--trace");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n').Select(l => l.Trim()).ToList();
        int At(string text, int from = 0) => lines.FindIndex(from, l => l.StartsWith(text, StringComparison.Ordinal));
        var read = At("__do_sys_pread64() {");
        var copy = At("raw_copy_to_user() {", read);
        var sea = At("do_sea() {", copy);
        var claim = At("apei_claim_sea() {", sea);
        var fixupMe = At("fixup_exception_me() {", claim);
        var fixup = At("/* Fixup at __arch_copy_to_user+cpy_body_large loop: ldp1 A (load): apei_claim_sea() = 0, fixup_exception_me: extable EX_TYPE_KACCESS_ERR_ZERO -> 9998f: x0 = end - dst", fixupMe);
        var notCopied = At("/* raw_copy_to_user() = 3888 bytes not copied */", fixup);
        var filemapRead = At("/* filemap_read() = 208 */", notCopied);
        var returned = At("/* pread64() = 208 */", filemapRead);
        Assert.All(new[] { read, copy, sea, claim, fixupMe, fixup, notCopied, filemapRead, returned }, i => Assert.True(i > 0, result.Out));
        Assert.Contains("outcome: short read", result.Out, StringComparison.Ordinal);
        Assert.Contains("  syscall: pread64 = 208", result.Out, StringComparison.Ordinal);
        Assert.Contains("matches the outcome the scenario declares for this profile", result.Out, StringComparison.Ordinal);
    }
}
