namespace KernelModel.Mm.Tests.Paths;

public sealed class TraceTests
{
    [Fact]
    public void CowWithPoison_TheFunctionGraphShowsThePathFromTheFaultToTheSignal()
    {
        var h = PathsHarness.WithCopyMc();
        var parent = h.Process("cow");
        var vma = PathsHarness.MapAnon(parent, 1);
        h.Fill(parent, vma.Start, 0x5a);
        var child = h.Machine.Tasks.Find(Fork.KernelClone(h.Machine, parent))!;
        h.Poison(h.PageAt(parent, vma.Start));
        h.Machine.Tracer.Enabled = true;

        UserAccess.Write(h.Machine, child, vma.Start, [1]);

        var calls = h.Machine.Tracer.Lines.Select(l => l.Trim()).Where(l => l.EndsWith("() {", StringComparison.Ordinal)).Select(l => l[..^4]).ToArray();
        Assert.Equal(
            ["do_user_addr_fault", "handle_mm_fault", "__handle_mm_fault", "handle_pte_fault", "do_wp_page", "wp_can_reuse_anon_folio", "wp_page_copy", "__wp_page_copy_user",
                "copy_mc_user_highpage", "copy_mc_to_kernel", "mm_fault_error", "force_sig_mceerr", "exit_to_user_mode_prepare"],
            calls);
        Assert.Contains(h.Machine.Tracer.Lines, l => l.Trim() == "/* copy_mc_to_kernel: 3776 bytes not copied */");
        Assert.Contains(h.Machine.Tracer.Lines, l => l.Trim() == $"/* SIGBUS BUS_MCEERR_AR to cow:{child.Pid} si_addr={Printf.HashLx(vma.Start)} si_addr_lsb=12 */");
        Assert.Contains(h.Machine.Tracer.Lines, l => l.Trim() == $"/* get_signal: cow:{child.Pid} SIGBUS BUS_MCEERR_AR si_addr={Printf.HashLx(vma.Start)} si_addr_lsb=12: killed */");
        Assert.Contains(h.Machine.Tracer.Lines, l => l.Trim() == $"/* MCE: Killing cow:{child.Pid} due to hardware memory corruption fault at {vma.Start:x} */");
        Assert.Contains(h.Machine.Tracer.Lines, l => l.Trim() == "/* wp_page_copy: copy failed, EHWPOISON */");
    }
}
