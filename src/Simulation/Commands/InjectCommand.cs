using System.CommandLine;
using System.Globalization;
using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel inject &lt;interface&gt; ... [--profile P] [--json]</c>: boots a machine, builds a page in a chosen state
/// (<c>--page</c>), uses one error-injection interface on it as a privileged task would, lets the kernel settle
/// (queued memory-failure work, return to user space) and reports what happened: returns, memory_failure's
/// verdicts, signals, tasks, HardwareCorrupted, per-node statistics and dmesg. One sub-command per interface:
/// madvise, hwpoison-inject, sysfs-offline, einj, ghes, memory-failure.
/// </summary>
public sealed class InjectCommand(ConsoleStreams console, ProfileCatalog profiles) : IKmodelCommand
{
    private readonly Option<string> _profile = new("--profile") { Description = "architecture profile", DefaultValueFactory = _ => GenericArchitecture.ProfileName };
    private readonly Option<string> _kernel = new("--kernel") { Description = "kernel version preset: " + string.Join(", ", HwpoisonOptions.Presets.Keys), DefaultValueFactory = _ => "v6.17" };
    private readonly Option<string[]> _option = new("--option") { Description = "override one kernel behaviour, name=value: " + string.Join("; ", HwpoisonOptions.Descriptions) };
    private readonly Option<string> _page = new("--page") { Description = "page state: " + string.Join(", ", TargetPageBuilder.Names.Keys), DefaultValueFactory = _ => "anon-dirty" };
    private readonly Option<int> _mappers = new("--mappers") { Description = "extra processes mapping the page (forked children, or other processes for files)" };
    private readonly Option<int> _subpage = new("--subpage") { Description = "which 4 KiB page of a THP or huge page to target" };
    private readonly Option<string[]> _sysctl = new("--sysctl") { Description = "set a sysctl first, name=value (e.g. vm.memory_failure_early_kill=1)" };
    private readonly Option<string?> _mceKill = new("--mce-kill") { Description = "prctl(PR_MCE_KILL) policy of every mapper: early, late, default" };
    private readonly Option<bool> _noCap = new("--no-cap-sys-admin") { Description = "the calling task lacks CAP_SYS_ADMIN" };
    private readonly Option<int> _seed = new("--seed") { Description = "seed of the run", DefaultValueFactory = _ => 1 };
    private readonly Option<bool> _json = new("--json") { Description = "one JSON object describing what happened" };

    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var inject = new Command("inject", "use an error-injection interface on a page of a simulated machine and report what happened");
        inject.Subcommands.Add(Madvise());
        inject.Subcommands.Add(HwpoisonInjectCommand());
        inject.Subcommands.Add(SysfsOffline());
        inject.Subcommands.Add(EinjCommand());
        inject.Subcommands.Add(GhesCommand());
        inject.Subcommands.Add(MemoryFailureCommand());
        root.Subcommands.Add(inject);
    }

    private Command WithCommon(Command command)
    {
        foreach (var o in new Option[] { _profile, _kernel, _option, _page, _mappers, _subpage, _sysctl, _mceKill, _noCap, _seed, _json })
        {
            command.Options.Add(o);
        }

        return command;
    }

    private InjectSettings Settings(ParseResult p) => new(p.GetValue(_profile)!, p.GetValue(_kernel)!, p.GetValue(_option) ?? [], p.GetValue(_page)!,
        p.GetValue(_mappers), p.GetValue(_subpage), p.GetValue(_sysctl) ?? [], p.GetValue(_mceKill), p.GetValue(_noCap), p.GetValue(_seed), p.GetValue(_json));

    private int Run(ParseResult p, string interfaceName, Action<InjectSession> use)
    {
        var settings = Settings(p);
        var session = InjectSession.Start(profiles, settings);
        use(session);
        session.Settle();
        InjectReport.Write(console.Out, session, interfaceName, settings.Json);
        return 0;
    }

    private Command Madvise()
    {
        var advice = new Option<string>("--advice") { Description = "hwpoison (MADV_HWPOISON) or soft-offline (MADV_SOFT_OFFLINE)", DefaultValueFactory = _ => "hwpoison" };
        var length = new Option<ulong>("--length") { Description = "bytes from the page's address", DefaultValueFactory = _ => PhysicalMemory.PageSize };
        var command = WithCommon(new Command("madvise", "madvise(addr, len, MADV_HWPOISON | MADV_SOFT_OFFLINE) by the page's owner (needs CAP_SYS_ADMIN)") { advice, length });
        command.SetAction(p => Run(p, "madvise", s =>
        {
            var (behavior, name) = p.GetValue(advice) switch
            {
                "hwpoison" => (MadviseInjectError.MadvHwpoison, "MADV_HWPOISON"),
                "soft-offline" => (MadviseInjectError.MadvSoftOffline, "MADV_SOFT_OFFLINE"),
                var bad => throw new ArgumentException($"invalid --advice '{bad}': valid are hwpoison, soft-offline"),
            };
            var address = s.OwnerAddress("madvise");
            var len = p.GetValue(length);
            s.Call(string.Create(CultureInfo.InvariantCulture, $"madvise({Printf.HashLx(address)}, {len}, {name}) by {s.Caller}"),
                () => MadviseInjectError.Madvise(s.Machine, s.Caller, address, len, behavior));
        }));
        return command;
    }

    private Command HwpoisonInjectCommand()
    {
        var write = new Option<string[]>("--write") { Description = "FILE=VALUE writes in order; VALUE 'target' is the page's pfn. FILE: " + string.Join(", ", HwpoisonInject.Files), Required = true };
        var command = WithCommon(new Command("hwpoison-inject", "write the /sys/kernel/debug/hwpoison/ files (corrupt-pfn, unpoison-pfn, corrupt-filter-*)") { write });
        command.SetAction(p => Run(p, "hwpoison-inject", s =>
        {
            var debugfs = new HwpoisonInject(s.Machine);
            foreach (var item in p.GetValue(write)!)
            {
                var (file, value) = Split(item, "--write", HwpoisonInject.Files);
                value = value == "target" ? Printf.HashLx(s.Target.Pfn) : value;
                s.Call($"echo {value} > /sys/kernel/debug/hwpoison/{file}", () => debugfs.Write(s.Caller, file, value));
            }
        }));
        return command;
    }

    private Command SysfsOffline()
    {
        var file = new Option<string>("--file") { Description = "soft_offline_page or hard_offline_page", Required = true };
        var addr = new Option<string>("--addr") { Description = "physical address written (default: the page's)" };
        var command = WithCommon(new Command("sysfs-offline", "write a physical address to /sys/devices/system/memory/{soft,hard}_offline_page") { file, addr });
        command.SetAction(p => Run(p, "sysfs-offline", s =>
        {
            var name = p.GetValue(file)!;
            if (!MemoryOffline.Files.Contains(name))
            {
                throw new ArgumentException($"invalid --file '{name}': valid are {string.Join(", ", MemoryOffline.Files)}");
            }

            var value = p.GetValue(addr) ?? Printf.HashLx(s.Target.PhysAddr);
            s.Call($"echo {value} > /sys/devices/system/memory/{name}", () => MemoryOffline.Store(s.Machine, s.Caller, name, value));
        }));
        return command;
    }

    private Command EinjCommand()
    {
        var type = new Option<string>("--type") { Description = "error_type (0x8, 0x10, 0x20)", DefaultValueFactory = _ => "0x10" };
        var flags = new Option<string>("--flags") { Description = "flags (0x2: param1/param2 valid)", DefaultValueFactory = _ => "0x2" };
        var param1 = new Option<string>("--param1") { Description = "physical address; 'target' (default) is the page's first byte" };
        var param2 = new Option<string>("--param2") { Description = "address mask", DefaultValueFactory = _ => "0xfffffffffffff000" };
        var notrigger = new Option<string>("--notrigger") { Description = "1: leave the poison latent; 0: let the platform trigger it", DefaultValueFactory = _ => "1" };
        var then = new Option<string>("--then") { Description = "after injecting: none, scrub (the patrol scrubber runs --scrub-hours) or load (the owner reads the line)", DefaultValueFactory = _ => "none" };
        var hours = new Option<double>("--scrub-hours") { Description = "virtual hours the patrol scrubber runs (24 covers all memory)", DefaultValueFactory = _ => 24 };
        var command = WithCommon(new Command("einj", "ACPI EINJ through /sys/kernel/debug/apei/einj/: latent poison, then scrub or consume it") { type, flags, param1, param2, notrigger, then, hours });
        command.SetAction(p => Run(p, "einj", s =>
        {
            var einj = new Einj(s.Machine);
            var pa = p.GetValue(param1) is { } v && v != "target" ? v : Printf.HashLx(s.Target.PhysAddr);
            foreach (var (file, value) in new[] { ("error_type", p.GetValue(type)!), ("flags", p.GetValue(flags)!), ("param1", pa), ("param2", p.GetValue(param2)!), ("notrigger", p.GetValue(notrigger)!), ("error_inject", "1") })
            {
                s.Call($"echo {value} > /sys/kernel/debug/apei/einj/{file}", () => einj.Write(file, value));
            }

            switch (p.GetValue(then))
            {
                case "none":
                    break;
                case "scrub":
                    var scrubHours = p.GetValue(hours);
                    if (!(scrubHours > 0 && scrubHours <= 24 * 365))
                    {
                        throw new ArgumentException($"invalid --scrub-hours {scrubHours}: valid values are more than 0 and at most 8760");
                    }

                    var scrubber = new PatrolScrubber(s.Machine);
                    s.Call(string.Create(CultureInfo.InvariantCulture, $"patrol scrub for {scrubHours} h"), () => scrubber.Run(TimeSpan.FromHours(scrubHours)).Count);
                    break;
                case "load":
                    Load(s, Kstrtoull(pa, "--param1"));
                    break;
                case var bad:
                    throw new ArgumentException($"invalid --then '{bad}': valid are none, scrub, load");
            }
        }));
        return command;
    }

    private Command GhesCommand()
    {
        var record = new Option<string?>("--record") { Description = "a file holding an error status block (binary, or hex text); default: firmware's record for the page" };
        var severity = new Option<string>("--severity") { Description = "for the built record: recoverable, corrected, fatal", DefaultValueFactory = _ => "recoverable" };
        var threshold = new Option<bool>("--threshold-exceeded") { Description = "for the built record: set CPER_SEC_ERROR_THRESHOLD_EXCEEDED" };
        var notify = new Option<string>("--notify") { Description = "sea (synchronous, arm64) or async", DefaultValueFactory = _ => "async" };
        var context = new Option<string>("--context") { Description = "for sea: user or kernel mode consumption", DefaultValueFactory = _ => "user" };
        var gate = new Option<bool>("--gate") { Description = "for sea: the arm64 v14 GHES patch (action required only for user-mode consumption)" };
        var command = WithCommon(new Command("ghes", "hand GHES a CPER error status block, as firmware-first platforms do") { record, severity, threshold, notify, context, gate });
        command.SetAction(p => Run(p, "ghes", s =>
        {
            var bytes = p.GetValue(record) is { } path ? ReadRecord(path) : BuiltRecord(s, p.GetValue(severity)!, p.GetValue(threshold));
            var kind = p.GetValue(notify) switch
            {
                "sea" => GhesNotify.Sea,
                "async" => GhesNotify.Async,
                var bad => throw new ArgumentException($"invalid --notify '{bad}': valid are sea, async"),
            };
            var mode = p.GetValue(context) switch
            {
                "user" => CpuMode.User,
                "kernel" => CpuMode.Kernel,
                var bad => throw new ArgumentException($"invalid --context '{bad}': valid are user, kernel"),
            };
            var ghes = s.Machine.Ghes as Ghes ?? throw new ArgumentException($"profile '{s.Profile}' has no GHES error source");
            var rejection = (string?)null;
            using (s.Machine.CurrentCpu.Enter(kind == GhesNotify.Sea ? s.Caller : null, kind == GhesNotify.Sea ? mode : CpuMode.Kernel))
            {
                s.Call($"GHES: {bytes.Length}-byte error status block, {(kind == GhesNotify.Sea ? "SEA" : "asynchronous")} notification", () =>
                {
                    var result = ghes.Process(bytes, kind, mode, p.GetValue(gate));
                    rejection = result.Rejection;
                    return result.Claimed ? 0 : -Errno.ENOENT;
                });
            }

            if (rejection is not null)
            {
                throw new ArgumentException($"malformed CPER record {p.GetValue(record)}: {rejection}");
            }
        }));
        return command;
    }

    private Command MemoryFailureCommand()
    {
        var flags = new Option<string>("--flags") { Description = "memory_failure flags, e.g. 0 or MF_ACTION_REQUIRED|MF_MUST_KILL", DefaultValueFactory = _ => "0" };
        var queue = new Option<bool>("--queue") { Description = "go through memory_failure_queue() and its worker" };
        var repeat = new Option<int>("--repeat") { Description = "report it this many times (with --queue, 17 overflows the fifo)", DefaultValueFactory = _ => 1 };
        var command = WithCommon(new Command("memory-failure", "report the page to memory_failure() directly or through memory_failure_queue()") { flags, queue, repeat });
        command.SetAction(p => Run(p, "memory-failure", s =>
        {
            var mfFlags = ParseFlags(p.GetValue(flags)!);
            var times = p.GetValue(repeat);
            if (times is < 1 or > 64)
            {
                throw new ArgumentException($"invalid --repeat {times}: valid values are 1..64");
            }

            var current = (mfFlags & MfFlags.ActionRequired) != 0 ? s.Target.Owner : null;
            for (var i = 0; i < times; i++)
            {
                using (s.Machine.CurrentCpu.Enter(current, CpuMode.Kernel))
                {
                    if (p.GetValue(queue))
                    {
                        s.Call($"memory_failure_queue({Printf.HashLx(s.Target.Pfn)}, {mfFlags.ToKernelString()})", () =>
                        {
                            s.Mf.MemoryFailureQueue(s.Target.Pfn, mfFlags);
                            return 0;
                        });
                    }
                    else
                    {
                        s.Call($"memory_failure({Printf.HashLx(s.Target.Pfn)}, {mfFlags.ToKernelString()})", () => s.Mf.MemoryFailure(s.Target.Pfn, mfFlags));
                    }
                }
            }
        }));
        return command;
    }

    private static (string File, string Value) Split(string item, string option, IEnumerable<string> files)
    {
        var eq = item.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || !files.Contains(item[..eq]))
        {
            throw new ArgumentException($"invalid {option} '{item}': write FILE=VALUE with FILE one of {string.Join(", ", files)}");
        }

        return (item[..eq], item[(eq + 1)..]);
    }

    private static ulong Kstrtoull(string text, string option)
    {
        var s = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return ulong.TryParse(s, text.Length != s.Length ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ArgumentException($"invalid {option} '{text}': a number, decimal or 0x hex");
    }

    private static MfFlags ParseFlags(string text)
    {
        var flags = MfFlags.None;
        foreach (var part in text.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var bit = Enum.GetValues<MfFlags>().Where(f => f != MfFlags.None).FirstOrDefault(f => f.ToKernelString() == part);
            flags |= bit != MfFlags.None ? bit
                : part == "0" ? MfFlags.None
                : throw new ArgumentException($"invalid --flags part '{part}': valid are 0 and {string.Join(", ", Enum.GetValues<MfFlags>().Where(f => f != MfFlags.None).Select(f => f.ToKernelString()))}");
        }

        return flags;
    }

    private static byte[] BuiltRecord(InjectSession s, string severity, bool threshold)
    {
        var sev = severity switch
        {
            "recoverable" => CperSeverity.Recoverable,
            "corrected" => CperSeverity.Corrected,
            "fatal" => CperSeverity.Fatal,
            _ => throw new ArgumentException($"invalid --severity '{severity}': valid are recoverable, corrected, fatal"),
        };
        return CperRecordBuilder.PlatformMemoryError(s.Target.PhysAddr, s.Target.Page.Nid, sev, CperRecordBuilder.StatusDramStorage,
            CperSectionFlags.Primary | (threshold ? CperSectionFlags.ErrorThresholdExceeded : CperSectionFlags.None));
    }

    private static byte[] ReadRecord(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read --record '{path}': {e.Message}");
        }

        var text = System.Text.Encoding.ASCII.GetString(bytes);
        if (bytes.Length > 0 && text.All(c => Uri.IsHexDigit(c) || char.IsWhiteSpace(c)))
        {
            var hex = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
            if (hex.Length % 2 != 0)
            {
                throw new ArgumentException($"invalid --record '{path}': hex text has an odd number of digits ({hex.Length})");
            }

            return Convert.FromHexString(hex);
        }

        return bytes;
    }

    // The owner reads the poisoned line from user space: the architecture's trap takes it from there.
    private static void Load(InjectSession s, ulong pa)
    {
        var owner = s.Target.Owner ?? throw new ArgumentException($"--then load needs a page mapped by a process, not '{TargetPageBuilder.NameOf(s.Target.Kind)}'");
        var va = s.OwnerAddress("--then load") + (pa & (PhysicalMemory.PageSize - 1));
        AccessResult? result = null;
        using (s.Machine.CurrentCpu.Enter(owner, CpuMode.User))
        {
            s.Machine.Run(() => result = s.Machine.CurrentCpu.Load(UserLoadSite, va, new byte[8]));
        }

        s.Note($"{owner} loads 8 bytes at {Printf.HashLx(va)}: {(result is { } r ? r.ToString() : "the kernel died")}");
    }

    private static readonly CodeSite UserLoadSite = new("user program", "load", SiteAccess.Load);
}
