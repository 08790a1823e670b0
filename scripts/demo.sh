#!/usr/bin/env bash
# Quick start, part 1: installs what is missing, builds mote's examples and runs the
# MobileNetV2 block demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh cmake ninja-build g++ libhwy-dev
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMOTE_BUILD_TESTS=OFF -DMOTE_BUILD_BENCH=OFF -DMOTE_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/demo --target mobilenetv2_block
build/demo/examples/mobilenetv2_block
