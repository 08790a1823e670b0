#!/usr/bin/env bash
# Runs the peak and peer benchmarks pinned to one core (median of 5 repetitions) and writes the
# JSON results, the oneDNN kernel names and the markdown tables of docs/peers.md.
# Usage: bench/peers/run_peers.sh [build-dir] [out-dir]; MOTE_BENCH_CPU picks the core (1).
set -euo pipefail

build=${1:-build-peers}
out=${2:-$build/peers-results}
cpu=${MOTE_BENCH_CPU:-1}
bin=$build/bench/peers
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
export OMP_NUM_THREADS=1

stats=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true
  --benchmark_out_format=json)

run() {  # run <json-name> <binary> [benchmark args...]; environment from the caller
  local name=$1 exe=$2
  shift 2
  echo "== $name" >&2
  taskset -c "$cpu" "$bin/$exe" "${stats[@]}" --benchmark_out="$out/$name.json" "$@"
}

run peak mote_peak_bench
run gemm mote_gemm_peers_bench
run dw3x3 mote_dw3x3_peers_bench
# oneDNN limited to AVX2 is off by more than one quantum on full-range weights: time it anyway,
# labelled INEXACT (see docs/peers.md).
export MOTE_BENCH_ALLOW_INEXACT=1 ONEDNN_MAX_CPU_ISA=AVX2
run gemm_onednn_avx2 mote_gemm_peers_bench --benchmark_filter=onednn
run dw3x3_onednn_avx2 mote_dw3x3_peers_bench --benchmark_filter=onednn
unset MOTE_BENCH_ALLOW_INEXACT ONEDNN_MAX_CPU_ISA

# One short pass with DNNL_VERBOSE to record which kernel oneDNN ran for each shape.
verbose() {  # verbose <isa-label> [env assignments...]
  local label=$1
  shift
  for exe in mote_gemm_peers_bench mote_dw3x3_peers_bench; do
    env "$@" DNNL_VERBOSE=1 taskset -c "$cpu" "$bin/$exe" --benchmark_filter=onednn \
      --benchmark_min_time=0.01 2>&1 | grep '^onednn_verbose,exec' |
      awk -F, -v isa="$label" '{split($7, src, ":"); print isa "," $4 "," $5 "," src[1] "," $(NF-1)}' | sort -u
  done
}
{
  verbose default
  verbose AVX2 ONEDNN_MAX_CPU_ISA=AVX2
} >"$out/onednn_kernels.csv"

python3 "$here/peers_table.py" "$out" >"$out/tables.md"
echo "results in $out (tables.md, onednn_kernels.csv)" >&2
