#!/usr/bin/env bash
# The sanitizer pass of CI (issue 19), run by packaging/test.sh after the other passes
# (NAS_SANITIZE=0 skips it). One clang build with AddressSanitizer + UndefinedBehaviorSanitizer
# (the "fuzz" preset, build-fuzz/: it also carries libFuzzer's coverage hooks) serves both steps:
#  1. the non-torch core suites (searchspace, store, jobs, search) and the parser suites (fuzz
#     corpus replay, bad-input matrix) run, stopping at the first report. Left out: the
#     LibTorch suites (ml, engine, export, cli) and the UI, since LibTorch is not built with
#     ASan (slow, reports inside torch); the GCC "asan" preset builds everything for a run by
#     hand (its subset alone took over 10 minutes to build on 2 cores, past CI's budget).
#  2. every libFuzzer target for NAS_FUZZ_SECONDS each (default 10), starting from its corpus
#     under tests/fuzz/corpus/. A crash leaves its input as build-fuzz/fuzz-artifacts/
#     <target>-crash-*; add it to the corpus with the fix.
# The build directory is configured once and then only rebuilt. Measured from an empty
# build-fuzz/ on the 2-core development machine under load (nice 10, load average 4.5-6):
# 533 s with 15 s per fuzzer (build ~6.5 min, suites ~40 s, fuzzers 128 s); 10 s per fuzzer
# saves 40 s of that.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${NAS_BUILD_JOBS:-$(nproc)}"
seconds="${NAS_FUZZ_SECONDS:-10}"
cd "$root"

suites=(test_searchspace test_store test_jobs test_search test_fuzz_corpus test_bad_input)
echo "sanitize: clang ASan + UBSan build of ${suites[*]} and the fuzzers (build-fuzz/)"
[[ -f build-fuzz/CMakeCache.txt ]] || cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j "$jobs" --target "${suites[@]}" nas_fuzzers
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export NASSTUDIO_RESOURCES="$root/resources"
for s in "${suites[@]}"; do
  echo "sanitize: $s"
  (cd build-fuzz/tests && "$root/build-fuzz/bin/$s" --gtest_brief=1)
done

echo "sanitize: libFuzzer targets, ${seconds}s each"
art="$root/build-fuzz/fuzz-artifacts"
mkdir -p "$art"
for exe in build-fuzz/bin/fuzz_*; do
  t="${exe##*/fuzz_}"
  work="$root/build-fuzz/fuzz-corpus/$t"  # new inputs land here, never in the source tree
  mkdir -p "$work"
  "$exe" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$art/$t-" "$work" "tests/fuzz/corpus/$t" >"$art/$t.log" 2>&1 || {
    tail -40 "$art/$t.log"
    echo "sanitize: fuzz_$t failed; its input is in $art/" >&2
    exit 1
  }
  echo "sanitize: fuzz_$t $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$art/$t.log")"
done
