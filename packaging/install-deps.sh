#!/usr/bin/env bash
# Installs every Debian 12 package NAS Studio needs to build, test and run. Idempotent and
# non-interactive: packages already present are skipped, so a second run does nothing.
# Usage: packaging/install-deps.sh [--no-gui]   (as root, or with sudo available)
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # core
  libtorch-dev libgloo-dev libsqlite3-dev nlohmann-json3-dev libcli11-dev zlib1g-dev libonnx-dev
  # data: Fashion-MNIST as shipped by Debian
  dataset-fashion-mnist
  # tests and benchmark baseline (plain PyTorch from Debian's python3-torch)
  libgtest-dev libgmock-dev python3-torch
  # packaging/package.sh: validators of the desktop file and the AppStream metadata
  desktop-file-utils appstream
)
gui_packages=(
  qt6-base-dev qt6-svg-dev libqcustomplot-dev libqcustomplot2.1-qt6
  # cell layout: Graphviz's dot program, run as a separate process (never linked)
  graphviz
  # running the GUI headless in tests, and screenshots
  xvfb xauth x11-apps imagemagick fonts-dejavu-core
)
if [[ "${1:-}" != "--no-gui" ]]; then
  packages+=("${gui_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
