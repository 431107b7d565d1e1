using System.Runtime.CompilerServices;

namespace KernelModel.Hwpoison.Tests;

/// <summary>
/// Compares text with a golden file under Golden/. On a mismatch the actual text is written next to it as
/// NAME.received.txt (ignored by git) so it can be inspected and, if right, moved over the golden file.
/// </summary>
internal static class Golden
{
    public static void Assert(string name, string actual, [CallerFilePath] string caller = "")
    {
        var project = Path.GetDirectoryName(caller)!;
        while (!File.Exists(Path.Combine(project, "Hwpoison.Tests.csproj")))
        {
            project = Path.GetDirectoryName(project)!;
        }

        var dir = Path.Combine(project, "Golden");
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
