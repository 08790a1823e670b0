#!/usr/bin/env bash
# Builds and runs the quant and kernels tests with floating-point contraction forced on
# (-ffp-contract=fast), once with g++ and once with clang++-14: the float steps that TFLite performs
# in float (MEAN's multiplier and bias, the LOGISTIC/TANH/SOFTMAX tables) must give the same bytes
# when a user compiles with FMA contraction. On x86-64 the flag only fuses when FMA instructions are
# enabled, so -mfma is added there when the CPU has FMA (otherwise the run would prove nothing).
# Usage: scripts/test_fp_contract.sh [build root, default build/] [extra CMake arguments...]
# (e.g. -DMOTE_DISPATCH=NONE to test the scalar references only).
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-build}
shift || true
flags="-ffp-contract=fast"
if [ "$(uname -m)" = "x86_64" ]; then
  if grep -qw fma /proc/cpuinfo; then
    flags="${flags} -mfma"
  else
    echo "mote: this CPU has no FMA: -ffp-contract=fast will not fuse anything here" >&2
  fi
fi
jobs=$(nproc)
for cxx in g++ clang++-14; do
  dir="${root}/fp-contract-fast-${cxx}"
  echo "=== mote fp-contract tests: ${cxx} ${flags}"
  cmake -S . -B "${dir}" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="${cxx}" \
    "-DCMAKE_CXX_FLAGS=${flags}" -DMOTE_BUILD_BENCH=OFF -DMOTE_BUILD_EXAMPLES=OFF "$@" >/dev/null
  cmake --build "${dir}" -j "${jobs}" --target mote_quant_tests mote_kernels_tests
  "${dir}/tests/mote_quant_tests"
  "${dir}/tests/mote_kernels_tests"
done
