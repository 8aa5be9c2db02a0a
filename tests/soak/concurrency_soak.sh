#!/usr/bin/env bash
# The long concurrency run (issue 19, item 5): two workers write one workspace for
# NAS_CONCURRENCY_SECONDS (default 600) while a reader thread polls it the way the window does
# (tests/cli/CliConcurrencyTest.cpp has the checks); prints a summary line.
# Usage: tests/soak/concurrency_soak.sh [build-dir]   (run niced)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" "${1:-}"
export NAS_CONCURRENCY_SECONDS="${NAS_CONCURRENCY_SECONDS:-600}"
snapshot_build
nice -n 10 "$build/bin/test_cli" --gtest_filter='CliConcurrency.*'
