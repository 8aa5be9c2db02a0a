#!/usr/bin/env bash
# ThreadSanitizer pass, run by hand (issue 19), from GCC's TSan build of the "tsan" preset in
# build-tsan/ (configured once, then only rebuilt; never build/):
#  - test_store and test_jobs: the workspace's connections and transactions from many
#    threads, the job runner and its worker processes;
#  - test_ui_threads (tests/ui/threads): the UI's thread code, built on its own from QtCore,
#    the store and the estimate worker: the workspace watcher's poll thread, the scatter
#    loader's thread and the estimate worker, each against writers on other threads;
#  - with NAS_TSAN_FULL_UI=1, also the whole test_ui filtered to the tests that cross threads
#    (NAS_TSAN_UI_FILTER). That builds most of the tree again under TSan (core with LibTorch,
#    the UI, the CLI and the SGNAS plugin: ~230 objects), too long for CI's 2 cores.
#
# Not in CI: TSan slows the code it checks 5-15x, so its waits come closer to their limits
# than CI should risk, and CI's budget is spent on the ASan+UBSan pass (sanitize.sh).
#
# Qt is not built with TSan. It hands queued signals, posted events and deleteLater()
# between threads under its own uninstrumented locks, so TSan would see our slot read what
# another thread wrote with no lock between them. tests/sanitizers/tsan-qt.supp suppresses
# reports by frames inside Qt's own libraries only; a report with no Qt frame stops the run.
# LibTorch's OpenMP pool is kept at one thread (OMP_NUM_THREADS=1) for the full UI run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${NAS_BUILD_JOBS:-$(nproc)}"
cd "$root"

suites=(test_store test_jobs test_ui_threads)
ui_filter="${NAS_TSAN_UI_FILTER:-ScatterView.*:LatencyValidate.*:ExportDialog.*:JobControllerTest.*:JobListModel.*:JobsPane.*:GeneratePanelTest.*:MainWindow*:ReadOnlyWorkspace.*:ResultsLoader*:WorkspaceWatcherTest*}"
targets=("${suites[@]}")
[[ "${NAS_TSAN_FULL_UI:-0}" == 0 ]] || targets+=(test_ui)
echo "tsan: GCC ThreadSanitizer build of ${targets[*]} (build-tsan/)"
[[ -f build-tsan/CMakeCache.txt ]] || cmake --preset tsan >/dev/null
cmake --build build-tsan -j "$jobs" --target "${targets[@]}"

export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/sanitizers/tsan-qt.supp"
export NASSTUDIO_RESOURCES="$root/resources"
export QT_QPA_PLATFORM=offscreen
export OMP_NUM_THREADS=1
for s in "${suites[@]}"; do
  echo "tsan: $s"
  (cd build-tsan/tests && "$root/build-tsan/bin/$s" --gtest_brief=1)
done
if [[ "${NAS_TSAN_FULL_UI:-0}" != 0 ]]; then
  echo "tsan: test_ui --gtest_filter=$ui_filter"
  (cd build-tsan/tests && "$root/build-tsan/bin/test_ui" --gtest_brief=1 --gtest_filter="$ui_filter")
fi
