#!/usr/bin/env bash
# Quick start 1: install what is missing, build, and start NAS Studio on the default
# workspace. Without a display (or a GUI build) it runs the command-line demo instead.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
build="${NAS_BUILD_DIR:-$root/build}"
if [[ -x "$build/bin/nasstudio" && ( -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ) ]]; then
  exec "$build/bin/nasstudio" "$@"
fi
if [[ -x "$build/bin/nasstudio" ]]; then
  echo "quickstart: no display found; starting the command-line demo (run $build/bin/nasstudio on a desktop)"
fi
exec "$build/bin/nasstudio-cli" demo "$@"
