#!/usr/bin/env bash
# Quick start 2: install what is missing, build, run the whole test suite (CTest), then build
# and check the Debian packages (packaging/package.sh).
#
# Then the tests labelled "numerical" (they train, or compare what LibTorch computed) run again
# as on CPUs with other vector units (issue 12). LibTorch picks its kernels by the CPU twice
# over: ATen's by ATEN_CPU_CAPABILITY (default/avx2/avx512; avx2 when unset, even on AVX-512
# CPUs) and oneDNN's convolutions by the instruction set the CPU has, capped by
# DNNL_MAX_CPU_ISA. A result that holds only on this machine's kernels fails elsewhere; the
# passes below emulate an AVX2-only CPU and a CPU without AVX. Each entry of NAS_KERNEL_SETS
# is ATEN_CAPABILITY:DNNL_ISA; NAS_KERNEL_SETS="" skips the passes.
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
jobs="${NAS_TEST_JOBS:-2}"
ctest --output-on-failure -j "$jobs" --timeout 900
for set in ${NAS_KERNEL_SETS-avx2:AVX2 default:SSE41}; do
  aten="${set%%:*}" dnnl="${set#*:}"
  echo "test: the numerical tests again with ATEN_CPU_CAPABILITY=$aten DNNL_MAX_CPU_ISA=$dnnl"
  ATEN_CPU_CAPABILITY="$aten" DNNL_MAX_CPU_ISA="$dnnl" ctest --output-on-failure -j "$jobs" --timeout 900 -L numerical
done
# Last, the Debian packages build from this build and run from where they unpack (issue 17);
# NAS_PACKAGE=0 skips this.
if [[ "${NAS_PACKAGE:-1}" != 0 ]]; then
  NAS_PACKAGE_SKIP_BUILD=1 "$root/packaging/package.sh"
fi
# Then sanitizers and fuzzers (issue 19): packaging/sanitize.sh; NAS_SANITIZE=0 skips it.
[[ "${NAS_SANITIZE:-1}" == 0 ]] || "$root/packaging/sanitize.sh"
