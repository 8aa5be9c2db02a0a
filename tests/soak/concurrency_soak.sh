#!/usr/bin/env bash
# The long concurrency run (issue 19, item 5): two workers write one workspace for
# NAS_CONCURRENCY_SECONDS (default 600) while a reader thread polls it the way the window does
# (tests/cli/CliConcurrencyTest.cpp has the checks); prints a summary line.
# Usage: tests/soak/concurrency_soak.sh [build-dir]   (run niced)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
export NAS_CONCURRENCY_SECONDS="${NAS_CONCURRENCY_SECONDS:-600}"
export NASSTUDIO_RESOURCES="$root/resources"
# Run a copy of the build: a rebuild of build/ during the long run must not swap the
# executable or its libraries under it.
snap="$(mktemp -d /tmp/nas-soak-build.XXXXXX)"
trap 'rm -rf "$snap"' EXIT
mkdir -p "$snap/bin"
cp "$build/bin/nasstudio-cli" "$build/bin/test_cli" "$snap/bin/"
cp -r "$build/lib" "$snap/lib"
export LD_LIBRARY_PATH="$snap/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export NAS_TEST_CLI="$snap/bin/nasstudio-cli"
build="$snap"
export OMP_NUM_THREADS=1
nice -n 10 "$build/bin/test_cli" --gtest_filter='CliConcurrency.*'
