# Sourced by the soak scripts: the repository root, the build to test and a snapshot of it.
# Usage (after `set -euo pipefail`): source "$(dirname "${BASH_SOURCE[0]}")/common.sh" "${1:-}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
export NASSTUDIO_RESOURCES="$root/resources"

# Runs the long soak from a copy of the build: a rebuild of build/ during the run must not swap
# the executable or its libraries under it. Sets `build` to the copy, removed on exit.
snapshot_build() {
  snap="$(mktemp -d /tmp/nas-soak-build.XXXXXX)"
  trap 'rm -rf "$snap"' EXIT
  mkdir -p "$snap/bin"
  cp "$build/bin/nasstudio-cli" "$build/bin/test_cli" "$snap/bin/"
  cp -r "$build/lib" "$snap/lib"
  export LD_LIBRARY_PATH="$snap/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export NAS_TEST_CLI="$snap/bin/nasstudio-cli"
  build="$snap"
  export OMP_NUM_THREADS=1
}
