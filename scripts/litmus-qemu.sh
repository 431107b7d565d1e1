#!/bin/bash
# Runs the litmus catalogue on real Debian kernels under QEMU and writes one snapshot per kernel version into
# litmus/snapshots/. Run by hand, as root, on a Debian machine (not in CI):
#
#   scripts/litmus-qemu.sh            # the stable linux-image and, when apt offers one, a second series
#   KERNELS="linux-image-6.1.0-56-amd64" scripts/litmus-qemu.sh
#
# It installs what it needs from Debian's packages (qemu-system-x86, busybox-static, cpio, gcc), downloads the
# kernel packages with apt-get download (nothing is installed into the host's /boot), builds the static runner
# (tools/litmus-runner), packs an initramfs with busybox, the runner, the catalogue and the modules it needs
# (hwpoison_inject for corrupt-pfn, brd + ext4 for a small ext2 disk), boots each kernel in qemu-system-x86_64 under
# software emulation (q35, 1 GiB, 8 reserved 2 MiB huge pages, serial console, no network) and keeps the
# runner's output as the snapshot and the serial console beside it.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-/tmp/litmus-qemu}"
OUT="$ROOT/litmus/snapshots"
TIMEOUT="${TIMEOUT:-900}"
mkdir -p "$WORK" "$OUT"

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /bin/busybox ] && /bin/busybox --list | grep -qx mke2fs || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v depmod >/dev/null || need+=(kmod)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
if [ "${#need[@]}" -gt 0 ] || [ -z "${KERNELS:-}" ]; then
    apt-get update -qq
fi
if [ "${#need[@]}" -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# The kernel image package a meta package (linux-image-amd64, linux-image-6.12-amd64) points at.
resolve() {
    apt-cache depends "$1" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

if [ -z "${KERNELS:-}" ]; then
    stable="$(resolve linux-image-amd64)"
    [ -n "$stable" ] || { echo "litmus-qemu: apt offers no linux-image-amd64" >&2; exit 1; }
    series="$(echo "$stable" | sed -E 's/^linux-image-([0-9]+\.[0-9]+).*/\1/')"
    second=""
    # Another series as a meta package linux-image-X.Y-amd64 (bookworm offers 6.12 beside its 6.1).
    for meta in $(apt-cache pkgnames linux-image- | grep -E '^linux-image-[0-9]+\.[0-9]+-amd64$' | sort -Vr); do
        cand="$(resolve "$meta")"
        if [ -n "$cand" ] && ! echo "$cand" | grep -q "^linux-image-$series\."; then
            second="$cand"
            break
        fi
    done
    KERNELS="$stable $second"
fi
echo "litmus-qemu: kernels: $KERNELS"

gcc -static -O2 -Wall -pthread -o "$WORK/litmus-runner" "$ROOT/tools/litmus-runner/litmus-runner.c"

# Dependency closure of modules (from modules.dep), dependencies first.
module_closure() {
    local moddir="$1"; shift
    awk -v want="$*" '
        BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) wanted[w[i]] = 1 }
        {
            path = $1; sub(/:$/, "", path)
            name = path; sub(/.*\//, "", name); sub(/\.ko(\.xz|\.zst|\.gz)?$/, "", name); gsub(/-/, "_", name)
            deps[path] = ""; for (i = 2; i <= NF; i++) deps[path] = deps[path] " " $i
            byname[name] = path
        }
        function visit(p,   d, k, i) {
            if (p in seen) return
            seen[p] = 1
            k = split(deps[p], d, " ")
            for (i = k; i >= 1; i--) visit(d[i])
            print p
        }
        END { for (m in wanted) { if (byname[m] == "") { print "missing " m > "/dev/stderr"; exit 1 } visit(byname[m]) } }
    ' "$moddir/modules.dep"
}

for pkg in $KERNELS; do
    kdir="$WORK/$pkg"
    if [ ! -d "$kdir/boot" ]; then
        rm -rf "$kdir" && mkdir -p "$kdir"
        (cd "$WORK" && apt-get download -qq "$pkg")
        dpkg-deb -x "$WORK/${pkg}"_*.deb "$kdir"
    fi
    vmlinuz="$(ls "$kdir"/boot/vmlinuz-* | head -1)"
    release="${vmlinuz##*/vmlinuz-}"
    moddir=""
    for d in "$kdir"/lib/modules/"$release" "$kdir"/usr/lib/modules/"$release"; do
        [ -d "$d/kernel" ] && moddir="$d" && break
    done
    [ -n "$moddir" ] || { echo "litmus-qemu: $pkg has no modules for $release" >&2; exit 1; }
    # The package leaves modules.dep to the installer's depmod.
    [ -f "$moddir/modules.dep" ] || depmod -b "${moddir%/lib/modules/*}" "$release"
    echo "litmus-qemu: $pkg -> $release"

    rootfs="$WORK/rootfs-$release"
    rm -rf "$rootfs"
    mkdir -p "$rootfs"/{bin,proc,sys,dev,tmp,mnt/litmus,litmus,modules}
    cp /bin/busybox "$rootfs/bin/busybox"
    cp "$WORK/litmus-runner" "$rootfs/bin/litmus-runner"
    cp "$ROOT"/litmus/*.litmus "$rootfs/litmus/"
    : > "$rootfs/modules/order"
    for m in $(module_closure "$moddir" hwpoison_inject brd crc32c_generic ext4); do
        base="$(basename "$m")"
        case "$base" in
            *.xz) xz -dc "$moddir/$m" > "$rootfs/modules/${base%.xz}"; base="${base%.xz}" ;;
            *.zst) zstd -qdc "$moddir/$m" > "$rootfs/modules/${base%.zst}"; base="${base%.zst}" ;;
            *.gz) gzip -dc "$moddir/$m" > "$rootfs/modules/${base%.gz}"; base="${base%.gz}" ;;
            *) cp "$moddir/$m" "$rootfs/modules/$base" ;;
        esac
        echo "$base" >> "$rootfs/modules/order"
    done
    cat > "$rootfs/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /dev/shm
mount -t tmpfs tmpfs /dev/shm
for m in $(cat /modules/order); do
    case "$m" in
        brd.ko) insmod /modules/$m rd_nr=1 rd_size=32768 ;;
        *) insmod /modules/$m ;;
    esac
done
mke2fs -q /dev/ram0 && mount -t ext2 /dev/ram0 /mnt/litmus
/bin/litmus-runner /litmus/*.litmus > /tmp/litmus.out 2>&1
dmesg -n 1
echo "### litmus begin"
echo "# kernel $(uname -r)"
echo "# thp $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"
echo "# hugepages $(cat /proc/sys/vm/nr_hugepages 2>/dev/null)"
echo "# hwpoison_inject $([ -e /sys/kernel/debug/hwpoison/corrupt-pfn ] && echo yes || echo no)"
echo "# memory_failure stats $([ -e /sys/devices/system/node/node0/memory_failure/total ] && echo yes || echo no)"
cat /tmp/litmus.out
echo "### litmus end"
sync
poweroff -f
INIT
    chmod +x "$rootfs/init"
    (cd "$rootfs" && find . | cpio -o -H newc --quiet | gzip -1) > "$WORK/initramfs-$release.gz"

    console="$WORK/console-$release.txt"
    timeout "$TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 1G -nographic -no-reboot \
        -nic none -kernel "$vmlinuz" -initrd "$WORK/initramfs-$release.gz" \
        -append "console=ttyS0 hugepages=8 panic=-1 oops=panic loglevel=4 mitigations=off" \
        < /dev/null > "$console" 2>&1 || echo "litmus-qemu: qemu exited with $? for $release" >&2

    tr -d '\r' < "$console" > "$console.clean"
    if ! grep -q '^### litmus end' "$console.clean"; then
        echo "litmus-qemu: $release: the run did not finish; console in $console" >&2
        tail -30 "$console.clean" >&2
        exit 1
    fi
    snap="$OUT/$release.txt"
    {
        echo "# litmus snapshot: the litmus catalogue run by tools/litmus-runner on Debian's $pkg under qemu-system-x86_64 (TCG, q35, 1 GiB, hugepages=8)"
        sed -n '/^### litmus begin/,/^### litmus end/p' "$console.clean" | sed '1d;$d'
    } > "$snap"
    # The recovery code's own console lines (with kernel timestamps) beside it, for reading.
    grep -E 'Memory failure|Soft offline|soft offline|Unpoison|Injecting memory failure|Soft offlining|MCE|mce:|Kernel panic|Oops|BUG' \
        "$console.clean" > "$OUT/$release.console" || true
    echo "litmus-qemu: wrote $snap ($(grep -c ' => ' "$snap") steps)"
done
