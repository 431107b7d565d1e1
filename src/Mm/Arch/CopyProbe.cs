namespace KernelModel.Mm;

/// <summary>
/// Runs one copy routine of a profile on a simulated machine and measures it against the copy_mc contract:
/// with no poison in the copied source the return is 0, the destination equals the source and nothing around
/// it changes; with poison, a routine that recovers returns non-zero, never less than the bytes it did not store
/// (for a count), and the bytes it claims were copied equal the source; a routine that does not recover kills
/// the kernel. Both buffers are filled with complementary patterns so "stored" can be read back exactly.
/// </summary>
public sealed class CopyProbe
{
    private const int Guard = PhysicalMemory.LineSize;
    private const int BufferOrder = 5;
    private readonly Func<Machine> _boot;
    private Machine _machine = null!;
    private TaskStruct _task = null!;
    private ulong _srcBase;
    private ulong _dstBase;
    private ulong _userDstBase;
    private ulong _srcPhys;
    private ulong _dstPhys;

    /// <summary>Uses machines from <paramref name="boot"/> (a new one after a panic).</summary>
    public CopyProbe(Func<Machine> boot)
    {
        _boot = boot;
        Reboot();
    }

    /// <summary>The machine the next copy runs on.</summary>
    public Machine Machine => _machine;

    /// <summary>Runs <paramref name="routineName"/> for <paramref name="copy"/>.</summary>
    /// <exception cref="ArgumentException">Unknown routine, or a case the routine or the buffers cannot take.</exception>
    public CopyProbeResult Run(string routineName, CopyCase copy)
    {
        copy.Validate();
        var routine = _machine.Arch.CopyRoutines.FirstOrDefault(r => r.Name == routineName)
            ?? throw new ArgumentException($"unknown routine '{routineName}' for profile {_machine.Arch.Name}: valid are {string.Join(", ", _machine.Arch.CopyRoutines.Select(r => r.Name))}");
        if (routine.PageOnly && (copy.Length != PhysicalMemory.PageSize || copy.SrcOffset != 0 || copy.DstOffset != 0))
        {
            throw new ArgumentException($"{routine.Name} copies one page: use --len 4096 --src-offset 0 --dst-offset 0");
        }

        if (!_task.IsAlive)
        {
            NewTask();
        }

        var n = copy.Length;
        var srcPa = _srcPhys + (ulong)copy.SrcOffset;
        var dstPa = _dstPhys + (ulong)copy.DstOffset;
        Fill(srcPa, n + Guard, copy.SrcOffset, complement: false);
        Fill(dstPa - Guard, n + (2 * Guard), copy.SrcOffset - Guard, complement: true);
        foreach (var p in copy.PoisonOffsets)
        {
            _machine.Memory.InjectPoison(srcPa + (ulong)p);
        }

        var firstPoison = _machine.Memory.FirstPoisonedByte(srcPa, (ulong)n) is { } bad ? (long)(bad - srcPa) : (long?)null;
        var trapsBefore = _machine.Traps.Count;
        var dst = (routine.UserDestination ? _userDstBase : _dstBase) + (ulong)copy.DstOffset;
        var src = _srcBase + (ulong)copy.SrcOffset;
        var cpu = _machine.CurrentCpu;
        KernelRun<long> run;
        using (cpu.Enter(_task, CpuMode.Kernel))
        {
            run = _machine.Run(() => routine.Invoke(dst, src, (ulong)n));
        }

        var traps = _machine.Traps.Skip(trapsBefore).ToArray();
        var stored = StoredPrefix(dstPa, n, copy.SrcOffset);
        var outside = GuardsIntact(dstPa, n, copy.SrcOffset);
        foreach (var p in copy.PoisonOffsets)
        {
            _machine.Memory.ClearPoison(srcPa + (ulong)p);
        }

        var result = new CopyProbeResult(routine.Name, copy, run.Value, stored, firstPoison, run.Died, run.Panicked, run.DeathMessage, traps, outside,
            Check(routine, n, run, stored, firstPoison, outside));
        if (run.Panicked)
        {
            Reboot();
        }

        return result;
    }

    private static string? Check(CopyRoutine routine, int n, KernelRun<long> run, long stored, long? firstPoison, bool outside)
    {
        if (!outside)
        {
            return "bytes outside the destination were written";
        }

        if (firstPoison is null)
        {
            if (run.Died)
            {
                return $"the kernel died with no poison in the source: {run.DeathMessage}";
            }

            if (run.Value != 0)
            {
                return $"returned {run.Value} for a clean copy";
            }

            return stored == n ? null : $"only {stored} of {n} bytes stored for a clean copy";
        }

        if (!routine.RecoversPoison)
        {
            return run.Died ? null : $"returned {run.Value} after consuming poison, but {routine.Name} has no recovery on this profile";
        }

        if (run.Died)
        {
            return $"the kernel died consuming poison: {run.DeathMessage}";
        }

        return routine.ReturnKind switch
        {
            CopyReturnKind.Errno when run.Value >= 0 => $"returned {run.Value} after consuming poison, expected a negative errno",
            CopyReturnKind.BytesNotCopied when run.Value == 0 => "returned 0 after consuming poison",
            CopyReturnKind.BytesNotCopied when run.Value > n => $"returned {run.Value}, more than the {n} bytes asked for",
            CopyReturnKind.BytesNotCopied when run.Value < n - stored => $"returned {run.Value}, below the {n - stored} bytes not stored",
            _ => null,
        };
    }

    // A pattern that differs between source and destination at every offset, so "stored" is exact.
    private static byte Pattern(long offset) => (byte)((offset * 131) + 7 + (offset >> 8));

    private void Fill(ulong pa, int length, long firstOffset, bool complement)
    {
        Span<byte> buffer = stackalloc byte[256];
        for (var done = 0; done < length;)
        {
            var n = Math.Min(buffer.Length, length - done);
            for (var i = 0; i < n; i++)
            {
                var b = Pattern(firstOffset + done + i);
                buffer[i] = complement ? (byte)~b : b;
            }

            _machine.Memory.Write(pa + (ulong)done, buffer[..n]);
            done += n;
        }
    }

    private long StoredPrefix(ulong dstPa, int n, int srcOffset)
    {
        Span<byte> d = stackalloc byte[256];
        for (var done = 0; done < n; done += d.Length)
        {
            var chunk = d[..Math.Min(d.Length, n - done)];
            _machine.Memory.Read(dstPa + (ulong)done, chunk);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (chunk[i] != Pattern(srcOffset + done + i))
                {
                    return done + i;
                }
            }
        }

        return n;
    }

    // The destination is prefilled with the complement of the source byte meant for each position.
    private bool GuardsIntact(ulong dstPa, int n, int srcOffset) =>
        GuardIntact(dstPa - Guard, srcOffset - Guard) && GuardIntact(dstPa + (ulong)n, srcOffset + n);

    private bool GuardIntact(ulong pa, int offset)
    {
        Span<byte> d = stackalloc byte[Guard];
        _machine.Memory.Read(pa, d);
        for (var i = 0; i < Guard; i++)
        {
            if (d[i] != (byte)~Pattern(offset + i))
            {
                return false;
            }
        }

        return true;
    }

    private void Reboot()
    {
        _machine = _boot();
        var src = _machine.Allocator.AllocFolio(BufferOrder) ?? throw new InvalidOperationException("the probe machine has no memory for its buffers");
        var dst = _machine.Allocator.AllocFolio(BufferOrder) ?? throw new InvalidOperationException("the probe machine has no memory for its buffers");
        _srcPhys = src.Head.PhysAddr + PhysicalMemory.PageSize;
        _dstPhys = dst.Head.PhysAddr + PhysicalMemory.PageSize;
        _srcBase = _machine.PhysToVirt(_srcPhys);
        _dstBase = _machine.PhysToVirt(_dstPhys);
        NewTask();
    }

    // A process whose user mapping of the destination folio receives copy_mc_to_user.
    private void NewTask()
    {
        _task = _machine.Tasks.CreateProcess("copyprobe");
        var mm = _task.Mm!;
        var size = PhysicalMemory.PageSize << BufferOrder;
        var vma = mm.Mmap((ulong)size, VmFlags.Read | VmFlags.Write);
        var firstPfn = (_dstPhys >> PhysicalMemory.PageShift) - 1;
        for (var i = 0; i < 1 << BufferOrder; i++)
        {
            mm.PageTable.Set(vma.Start + ((ulong)i << PhysicalMemory.PageShift), Pte.Present(firstPfn + (ulong)i, write: true));
        }

        _userDstBase = vma.Start + PhysicalMemory.PageSize;
    }
}
