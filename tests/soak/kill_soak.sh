#!/usr/bin/env bash
# The long kill-anywhere soak (issue 19, item 1): SIGKILLs the worker of an SGNAS job
# (supernet and generator training), a training from scratch, a tabular search and an AG-Net
# search at random moments, NAS_SOAK_KILLS times per kind (default 6: 24 kills), on larger
# jobs than the suite's CliKillSoakTest (NAS_SOAK_LONG=1), and checks every resume and every
# final result against an uninterrupted run (see tests/cli/CliKillSoakTest.cpp for the
# checks). One line per kill goes to the report (default /tmp/nas-kill-soak.txt).
# Usage: tests/soak/kill_soak.sh [build-dir]   (run niced; takes ~10-20 min on 2 busy cores)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" "${1:-}"
export NAS_SOAK_LONG=1
export NAS_SOAK_KILLS="${NAS_SOAK_KILLS:-6}"
export NAS_SOAK_SEED="${NAS_SOAK_SEED:-19}"
export NAS_SOAK_REPORT="${NAS_SOAK_REPORT:-/tmp/nas-kill-soak.txt}"
snapshot_build
: >"$NAS_SOAK_REPORT"
start=$(date +%s)
status=0
nice -n 10 "$build/bin/test_cli" --gtest_filter='KillSoak.*' || status=$?
echo "kill soak: $(grep -c ' kill ' "$NAS_SOAK_REPORT") kills in $(( $(date +%s) - start )) s, exit $status" \
  | tee -a "$NAS_SOAK_REPORT"
exit $status
