#!/usr/bin/env bash
# Runs mote's kernel benchmarks beside the peers, pinned to one core, and writes the JSON, the
# markdown tables and the GOP/s charts of docs/performance.md.
# Usage: bench/run_kernels.sh [build-dir] [out-dir]; MOTE_BENCH_CPU picks the core (default 1),
# MOTE_BENCH_REPS the repetitions (default 7). Repetitions are interleaved at random across
# implementations, so a noisy spell on a shared machine costs every implementation alike.
set -euo pipefail

build=${1:-build}
out=${2:-$build/kernels-results}
cpu=${MOTE_BENCH_CPU:-1}
reps=${MOTE_BENCH_REPS:-7}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
export OMP_NUM_THREADS=1

stats=(--benchmark_repetitions="$reps" --benchmark_enable_random_interleaving=true
  --benchmark_report_aggregates_only=true --benchmark_out_format=json)

run() {  # run <json-name> <binary> [benchmark args...]; environment from the caller
  local name=$1 exe=$2
  shift 2
  echo "== $name" >&2
  taskset -c "$cpu" "$build/bench/$exe" "${stats[@]}" --benchmark_out="$out/$name.json" "$@" \
    >/dev/null
}

lscpu | grep -E 'Model name|CPU family|Model:' >"$out/cpu.txt" || true
run peak peers/mote_peak_bench
run gemm mote_gemm_bench --benchmark_filter='gemm/(mote|mote_int|xnnpack|onednn|onednn_u8s8|gemmlowp|gemmlowp_avx2)/'
run dw3x3 mote_dw3x3_bench
# oneDNN limited to AVX2 is inexact on full-range int8 data (vpmaddubsw saturates): timed anyway
# and labelled INEXACT beside mote's forced AVX2 and AVX3 targets (see docs/peers.md).
MOTE_BENCH_ALLOW_INEXACT=1 ONEDNN_MAX_CPU_ISA=AVX2 \
  run gemm_avx2 mote_gemm_bench --benchmark_filter='gemm/(onednn|onednn_u8s8|mote_avx2|mote_avx3)/'

python3 "$here/kernels/gemm_table.py" "$out/gemm.json" "$out/gemm_avx2.json" "$out/peak.json" \
  >"$out/gemm_tables.md"
python3 "$here/kernels/dw3x3_table.py" "$out/dw3x3.json" >"$out/dw3x3_table.md"
/usr/bin/python3 "$here/plot_gops.py" --gemm "$out/gemm.json" --gemm-avx2 "$out/gemm_avx2.json" \
  --dw3x3 "$out/dw3x3.json" --peak "$out/peak.json" --out-dir "$out" ${MOTE_BENCH_MACHINE:+--machine "$MOTE_BENCH_MACHINE"}
echo "mote: results in $out" >&2
