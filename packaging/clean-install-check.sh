#!/usr/bin/env bash
# Installs the built package on a clean Debian 12 system and runs it there: debootstrap makes a
# minimal bookworm root (nothing of this machine's libraries in it), apt-get installs
# ./nasstudio_*.deb into it, resolving every declared dependency from Debian's archive, and the
# installed nasstudio-cli must list the bundled plugins, run a tabular search, and the GUI must
# start offscreen. Needs root and Debian's archive (it is not part of CI; run it by hand):
#
#   sudo packaging/clean-install-check.sh [build/packages/nasstudio_*.deb] [ROOT_DIR]
#
# ROOT_DIR (default /var/tmp/nasstudio-clean-bookworm) is reused if it already holds a
# debootstrapped system; delete it to start from scratch.
set -euo pipefail
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deb="${1:-$(ls "$root_dir"/build/packages/nasstudio_*.deb 2>/dev/null | head -n1)}"
target="${2:-/var/tmp/nasstudio-clean-bookworm}"
mirror="${NAS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
[[ -f "$deb" ]] || { echo "clean-install: no package given and none in build/packages (run packaging/package.sh)" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "clean-install: needs root (debootstrap and chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || apt-get install -y debootstrap

if [[ ! -x "$target/usr/bin/apt-get" ]]; then
  echo "clean-install: debootstrap bookworm (minbase) into $target"
  debootstrap --variant=minbase bookworm "$target" "$mirror"
fi
mounts=(proc sys dev)
cleanup() { for m in "${mounts[@]}"; do umount -l "$target/$m" 2>/dev/null || true; done; }
trap cleanup EXIT
mount -t proc proc "$target/proc"
mount --rbind /sys "$target/sys"
mount --rbind /dev "$target/dev"
cp /etc/resolv.conf "$target/etc/resolv.conf" 2>/dev/null || true
cp "$deb" "$target/tmp/"
name=$(basename "$deb")

in_root() { chroot "$target" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
echo "clean-install: the clean system has $(in_root dpkg-query -W -f='.\n' | wc -l) packages before the install"
in_root apt-get update -q
in_root apt-get install -y -q --no-install-recommends "/tmp/$name"
echo "clean-install: installed; $(in_root dpkg-query -W -f='.\n' | wc -l) packages now"
in_root sh -c 'command -v nasstudio && command -v nasstudio-cli'
in_root nasstudio-cli info
in_root nasstudio-cli plugins --json > "$target/tmp/plugins.json"
python3 - "$target/tmp/plugins.json" <<'PY'
import json, sys
plugins = json.load(open(sys.argv[1]))
plugins = plugins.get("plugins", plugins) if isinstance(plugins, dict) else plugins
names = sorted(p["name"] for p in plugins if p.get("loaded", True))
bad = [p["name"] for p in plugins if not p.get("loaded", True)]
if len(names) < 5 or bad:
    sys.exit(f"clean-install: loaded {names}, failed {bad}")
print(f"clean-install: nasstudio-cli lists {len(names)} loaded plugins: {', '.join(names)}")
PY
in_root sh -c 'cd /tmp && nasstudio-cli tabular search --strategy random --queries 20 --seeds 1 | tail -n 3'
# The GUI's libraries load, and its window runs for 15 s on a new workspace without dying
# (offscreen: no X server needed; timeout's 124 means it was still running). Cells are laid out
# by Graphviz's dot program, a declared dependency.
in_root sh -c 'cd /tmp && QT_QPA_PLATFORM=offscreen nasstudio --version && dot -V'
rc=0
in_root sh -c 'cd /tmp && QT_QPA_PLATFORM=offscreen timeout 15 nasstudio /tmp/clean.nasdb' || rc=$?
[[ $rc -eq 124 ]] || { echo "clean-install: the GUI exited with $rc within 15 s" >&2; exit 1; }
[[ -s "$target/tmp/clean.nasdb" ]] || { echo "clean-install: the GUI did not create its workspace" >&2; exit 1; }
echo "clean-install: the GUI ran for 15 s and created its workspace"
echo "clean-install: OK"
