#!/usr/bin/env bash
# The long kill-anywhere soak (issue 19, item 1): SIGKILLs the worker of an SGNAS job
# (supernet and generator training), a training from scratch, a tabular search and an AG-Net
# search at random moments, NAS_SOAK_KILLS times per kind (default 6: 24 kills), on larger
# jobs than the suite's CliKillSoakTest (NAS_SOAK_LONG=1), and checks every resume and every
# final result against an uninterrupted run (see tests/cli/CliKillSoakTest.cpp for the
# checks). One line per kill goes to the report (default /tmp/nas-kill-soak.txt).
# Usage: tests/soak/kill_soak.sh [build-dir]   (run niced; takes ~10-20 min on 2 busy cores)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
export NAS_SOAK_LONG=1
export NAS_SOAK_KILLS="${NAS_SOAK_KILLS:-6}"
export NAS_SOAK_SEED="${NAS_SOAK_SEED:-19}"
export NAS_SOAK_REPORT="${NAS_SOAK_REPORT:-/tmp/nas-kill-soak.txt}"
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
: >"$NAS_SOAK_REPORT"
start=$(date +%s)
status=0
nice -n 10 "$build/bin/test_cli" --gtest_filter='KillSoak.*' || status=$?
echo "kill soak: $(grep -c ' kill ' "$NAS_SOAK_REPORT") kills in $(( $(date +%s) - start )) s, exit $status" \
  | tee -a "$NAS_SOAK_REPORT"
exit $status
