namespace KernelModel.Hwpoison.Tests;

/// <summary>
/// Compares text with a golden file under Golden/ (copied next to the test assembly by the build, so the
/// lookup does not depend on source paths, which deterministic CI builds map away). On a mismatch the actual
/// text is written beside the copy as NAME.received.txt so it can be inspected and, if right, moved over the
/// golden file in tests/Hwpoison.Tests/Golden/.
/// </summary>
internal static class Golden
{
    public static void Assert(string name, string actual)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Golden");
        var expectedPath = Path.Combine(dir, name + ".txt");
        var receivedPath = Path.Combine(dir, name + ".received.txt");
        var expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath) : null;
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(dir);
        File.WriteAllText(receivedPath, actual);
        Xunit.Assert.Fail(expected is null
            ? $"no golden file {expectedPath}; the output was written to {receivedPath}"
            : $"output differs from {expectedPath}; see {receivedPath}");
    }
}
