#!/bin/sh
# Renders a kmodel HTML report (kmodel ... --report FILE.html) to a PNG with Debian's headless chromium.
#
#   scripts/render-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]
#
# The report is self-contained (inline CSS and SVG, no scripts), so chromium needs no network: every feature that
# would reach out (background networking, component updates, sync, first-run) is switched off and the profile lives
# in a throw-away directory. chromium is installed with apt-get when it is missing (needs root or sudo).
set -eu

if [ $# -lt 2 ]; then
    echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT]" >&2
    exit 2
fi

report=$1
out=$2
size=${3:-1200x2400}
case $size in
    *x*) ;;
    *) echo "$0: invalid size '$size': give WIDTHxHEIGHT, e.g. 1200x2400" >&2; exit 2 ;;
esac
if [ ! -f "$report" ]; then
    echo "$0: no such report '$report'" >&2
    exit 2
fi

if ! command -v chromium >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
abs_out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --user-data-dir="$profile" --hide-scrollbars --screenshot="$abs_out" --window-size="${size%x*},${size#*x}" \
    "file://$abs_report" 2>/dev/null

[ -s "$abs_out" ] || { echo "$0: chromium wrote no screenshot" >&2; exit 1; }
echo "$abs_out"
