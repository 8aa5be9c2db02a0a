#!/usr/bin/env bash
# Builds the Debian packages with CPack: nasstudio_<version>_<arch>.deb (both apps, core
# libraries, bundled plugins, resources, desktop file, icon, AppStream metadata, licences) and
# nasstudio-dev_<version>_<arch>.deb (headers and the NASStudio CMake package for plugins built
# out of tree), into $NAS_PACKAGE_DIR (default build/packages). Then checks the main package
# the way an installed system runs it: unpacked into a scratch root, its nasstudio-cli must
# start from there and load every bundled plugin from the package's own plugin folder.
#
# Usage: packaging/package.sh            (installs what is missing, builds build/, packages)
#   NAS_PACKAGE_SKIP_BUILD=1 packaging/package.sh   to package an already built build/
# Install: sudo apt-get install ./build/packages/nasstudio_*.deb
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NAS_BUILD_DIR:-$root/build}"
out="${NAS_PACKAGE_DIR:-$build/packages}"
if [[ -z "${NAS_PACKAGE_SKIP_BUILD:-}" ]]; then
  "$root/packaging/install-deps.sh"
  "$root/packaging/build.sh"
fi
mkdir -p "$out"
# CPack installs every component of the build into its own staging tree and reads the
# shared-library dependencies of the binaries with dpkg-shlibdeps.
cpack --config "$build/CPackConfig.cmake" -B "$out"
rm -rf "$out/_CPack_Packages"
main=$(ls "$out"/nasstudio_*.deb)
dev=$(ls "$out"/nasstudio-dev_*.deb)
echo "package: built $main and $dev"
dpkg-deb --field "$main" Package Version Depends

# The desktop file and AppStream metadata as shipped, checked by the freedesktop validators.
desktop-file-validate "$root/packaging/linux/org.nasstudio.NASStudio.desktop"
appstreamcli validate --no-net --pedantic "$root/packaging/linux/org.nasstudio.NASStudio.metainfo.xml"

# Smoke check of the unpacked package: no plugin path from the environment or the user's
# folder, no source tree to fall back on for resources (the binaries find both relative to
# their own folder, as in /usr).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dpkg-deb -x "$main" "$scratch/root"
expected=$(cd "$scratch/root/usr/lib/nasstudio/plugins" && ls lib*.so | sed 's/^lib//; s/\.so$//' | sort)
[[ -n "$expected" ]] || { echo "package: no bundled plugins in the package" >&2; exit 1; }
info=$(cd "$scratch" && env -u NASSTUDIO_PLUGIN_PATH -u NASSTUDIO_RESOURCES HOME="$scratch/home" \
  XDG_DATA_HOME="$scratch/home/share" "$scratch/root/usr/bin/nasstudio-cli" info --json)
python3 - "$info" "$scratch/root" $expected <<'PY'
import json, sys
info, root, expected = json.loads(sys.argv[1]), sys.argv[2], sorted(sys.argv[3:])
loaded = sorted(p["name"] for p in info["plugins"] if p["loaded"] and p["path"].startswith(root))
broken = [p for p in info["plugins"] if not p["loaded"]]
if loaded != expected or broken:
    sys.exit(f"package: bundled plugins {expected}, loaded from the package {loaded}, not loaded {broken}")
if not (info.get("resources") or "").startswith(root):
    sys.exit(f"package: resources found at {info.get('resources')}, not in the package under {root}")
print(f"package: nasstudio-cli {info['version']} from the unpacked package loads {', '.join(loaded)}; "
      f"methods {', '.join(info['methods'])}")
PY
(cd "$scratch" && HOME="$scratch/home" XDG_DATA_HOME="$scratch/home/share" env -u NASSTUDIO_RESOURCES \
  "$scratch/root/usr/bin/nasstudio-cli" tabular search --strategy random --queries 20 --seeds 1 >/dev/null)
echo "package: the shipped NAS-Bench-201 table is found from the package (tabular search ran)"
