namespace KernelModel.Mm.Tests.Task;

public sealed class TaskListTests
{
    [Fact]
    public void ReleaseTask_DeadTask_LeavesTheListAndItsPidIsNotReused()
    {
        var tasks = new TaskList();
        var dead = tasks.CreateProcess("dead");
        var alive = tasks.CreateProcess("alive");
        dead.Exit();

        Assert.True(tasks.ReleaseTask(dead));
        var next = tasks.CreateProcess("next");

        Assert.Null(tasks.Find(dead.Pid));
        Assert.Equal([alive.Pid, next.Pid], tasks.All.Select(t => t.Pid));
        Assert.Equal(dead.Pid + 2, next.Pid);
        Assert.False(tasks.ReleaseTask(dead));
    }

    [Fact]
    public void ReleaseTask_RunningTask_Throws()
    {
        var tasks = new TaskList();
        var running = tasks.CreateProcess("running");

        var e = Assert.Throws<InvalidOperationException>(() => tasks.ReleaseTask(running));

        Assert.Contains("running:1 is still running", e.Message, StringComparison.Ordinal);
        Assert.Same(running, tasks.Find(running.Pid));
    }
}
