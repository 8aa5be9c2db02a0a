#!/usr/bin/env bash
# Configures and builds NAS Studio into build/ (Release with debug info, Ninja).
# Usage: packaging/build.sh [extra cmake -D options]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NAS_BUILD_DIR:-$root/build}"
jobs="${NAS_BUILD_JOBS:-$(nproc)}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$build" -j "$jobs"
