#!/usr/bin/env bash
# Installs every Debian package that wembed's build, tests and scripts need.
# Idempotent: packages already present are skipped. Run as root (or with sudo)
# on Debian 12.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libboost-program-options-dev zlib1g-dev libutf8proc-dev
  libxxhash-dev  # the encoded corpus's fingerprint (XXH3)
  libisal-dev  # gzip input decompressed with ISA-L (CMake WEMBED_ISAL)
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev
  libcairo2-dev libeigen3-dev fonts-dejavu-core
  python3 python3-dev python3-numpy python3-scipy python3-gensim
  pybind11-dev python3-pybind11 python3-pytest
  time gzip universal-ctags
  clang libclang-rt-14-dev libomp-dev  # scripts/fuzz.sh: libFuzzer, OpenMP
  libopenmpi-dev openmpi-bin  # mpirun -np N wembed train (docs/distributed.md)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
