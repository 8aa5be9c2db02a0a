#!/usr/bin/env bash
# Quick start 2: install what is missing, build, and run the whole test suite (CTest).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
build="${NAS_BUILD_DIR:-$root/build}"
export QT_QPA_PLATFORM=offscreen
# Two test processes share two cores: idle OpenMP threads must sleep, not spin (see
# core/common/OpenMpWait.h), or each LibTorch test waits on a descheduled partner thread.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
cd "$build"
ctest --output-on-failure -j "${NAS_TEST_JOBS:-2}" --timeout 900
