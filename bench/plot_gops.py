#!/usr/bin/env python3
"""Bar charts (PNG) of median GOP/s per shape, one colour per implementation, from the Google
Benchmark JSON of mote's benches (run with --benchmark_repetitions=N
--benchmark_report_aggregates_only=true --benchmark_out=FILE.json).

  --gemm       mote_gemm_bench, default run            -> gemm_gops.png, VNNI peak line from --peak
  --gemm-avx2  its AVX2 run (mote_avx2, ONEDNN_MAX_CPU_ISA=AVX2 oneDNN) -> gemm_avx2_gops.png,
               the exact (vpmaddwd) and saturating (vpmaddubsw) ymm peak lines from --peak
  --dw3x3      mote_dw3x3_bench                        -> dw3x3_gops.png
  --peak       peers/mote_peak_bench (peak/vpdpbusd_zmm, peak/vpmaddwd_ymm, ...)

The JSON is parsed by the table scripts in bench/kernels (gemm_table.py, dw3x3_table.py), so the
charts and the tables of docs/performance.md read the same numbers. Hatched bars are outputs the
harness found inexact (timed with MOTE_BENCH_ALLOW_INEXACT=1). The machine line under the title
is --machine, else the host, CPU count and MHz of the JSON's context.
"""
import argparse
import json
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "kernels"))
import dw3x3_table  # noqa: E402
import gemm_table  # noqa: E402

# One colour per implementation, the same in every chart (matplotlib's tab10, then tab20).
COLOURS = {
    "mote": "tab:red", "mote_avx2": "darkred", "xnnpack": "tab:blue", "onednn": "tab:green",
    "onednn_u8s8": "tab:olive", "gemmlowp": "tab:purple", "gemmlowp_avx2": "tab:pink",
    "mote_avx3": "tab:orange", "mote_sse4": "tab:brown", "mote_ssse3": "tab:gray",
}


def machine_line(args, path):
    """--machine, else what Google Benchmark recorded about the machine that wrote `path`."""
    if args.machine:
        return args.machine
    ctx = json.loads(path.read_text())["context"]
    return (f"{ctx.get('host_name', '?')}: {ctx.get('num_cpus', '?')} CPUs at "
            f"{ctx.get('mhz_per_cpu', '?')} MHz, {ctx.get('date', '')[:10]}")


def repetitions(path):
    """The repetition count behind the medians of `path` (the same for every benchmark)."""
    for b in json.loads(path.read_text())["benchmarks"]:
        if b.get("aggregate_name") == "median":
            return b.get("repetitions")
    return None


def split_runs(runs, op):
    """{run_name: value} of one op -> (shapes in the issue's order, {impl: {shape: value}})."""
    shapes, table = [], {}
    for name, value in runs.items():
        parts = name.split("/")
        if len(parts) != 3 or parts[0] != op:
            continue
        _, impl, shape = parts
        if shape not in shapes:
            shapes.append(shape)
        table.setdefault(impl, {})[shape] = value
    # The shape order (random interleaving shuffles the JSON's).
    known = [s for s in gemm_table.SHAPES if s in shapes]
    return known + [s for s in shapes if s not in gemm_table.SHAPES], table


def order_impls(impls, wanted):
    """mote first, then mote_<target>, then the peers in gemm_table.PEERS order, then the rest;
    only those named in `wanted` (a comma-separated list, in its order) when it is given."""
    if wanted:
        return [i for i in wanted.split(",") if i in impls]
    peer_rank = {p: n for n, p in enumerate(gemm_table.PEERS)}
    return sorted(impls, key=lambda i: (i != "mote", not i.startswith("mote"),
                                        peer_rank.get(i, len(peer_rank)), i))


def bar_chart(path, title, subtitle, shapes, table, impls, peaks, xlabel, log):
    """Grouped bars: one group per shape, one bar per implementation; `peaks` are
    (label, GOP/s, line style) drawn as horizontal lines; the first also sets a % axis."""
    width = 0.8 / max(len(impls), 1)
    fig, ax = plt.subplots(figsize=(max(8.0, 0.14 * len(shapes) * len(impls) + 3.0), 6.0))
    for n, impl in enumerate(impls):
        xs = [s + (n - (len(impls) - 1) / 2) * width for s in range(len(shapes))]
        values = [table[impl].get(shape) for shape in shapes]
        gops = [v[0] if v else 0.0 for v in values]
        hatch = ["//" if v and len(v) > 2 and v[2] else "" for v in values]
        bars = ax.bar(xs, gops, width, label=impl, color=COLOURS.get(impl),
                      edgecolor="black", linewidth=0.3)
        for bar, h in zip(bars, hatch):
            bar.set_hatch(h)
        if impl.startswith("mote") and n == 0:  # mote's own value over its bars
            for x, g in zip(xs, gops):
                if g:
                    ax.annotate(f"{g:.0f}", (x, g), xytext=(0, 2), textcoords="offset points",
                                ha="center", va="bottom", fontsize=7, rotation=90)
    for label, value, style in peaks:
        ax.axhline(value, color="black", linestyle=style, linewidth=1.2,
                   label=f"{label}: {value:.0f} GOP/s")
    if peaks and not log:
        top = peaks[0][1]
        sec = ax.secondary_yaxis("right", functions=(lambda g: 100.0 * g / top,
                                                     lambda p: p * top / 100.0))
        sec.set_ylabel(f"% of {peaks[0][0]}")
    if any(len(v) > 2 and v[2] for i in impls for v in table[i].values()):
        ax.bar([0], [0], color="white", edgecolor="black", hatch="//",
               label="hatched: output not exact")
    ax.set_xticks(range(len(shapes)))
    ax.set_xticklabels(shapes, rotation=35, ha="right", fontsize=9)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("GOP/s (median, 2 x MACs / CPU time)")
    if log:
        ax.set_yscale("log")
    ax.set_xlim(-0.6, len(shapes) - 0.4)
    ax.grid(axis="y", linewidth=0.3)
    ax.set_axisbelow(True)
    if peaks and not log:
        ax.set_ylim(0, 1.08 * max([p[1] for p in peaks] + [ax.get_ylim()[1]]))
    ax.legend(fontsize=8, ncol=min(len(impls) + len(peaks) + 1, 5), loc="upper center",
              bbox_to_anchor=(0.5, -0.25))
    ax.set_title(f"{title}\n{subtitle}", fontsize=11)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    print(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gemm", type=pathlib.Path, help="mote_gemm_bench JSON (default run)")
    ap.add_argument("--gemm-avx2", type=pathlib.Path, help="mote_gemm_bench JSON, AVX2 run")
    ap.add_argument("--dw3x3", type=pathlib.Path, help="mote_dw3x3_bench JSON")
    ap.add_argument("--peak", type=pathlib.Path, help="mote_peak_bench JSON")
    ap.add_argument("--machine", help="machine/CPU line under the titles (default: JSON context)")
    ap.add_argument("--out-dir", type=pathlib.Path, default=pathlib.Path("."),
                    help="where the PNGs go (default: .)")
    ap.add_argument("--gemm-impls", help="GEMM implementations to draw, comma-separated, in order"
                    " (default: every one in the JSON but mote_avx2)")
    ap.add_argument("--dw3x3-impls", help="dw3x3 implementations to draw (default: all)")
    ap.add_argument("--log", action="store_true", help="logarithmic GOP/s axis")
    args = ap.parse_args()
    if not (args.gemm or args.gemm_avx2 or args.dw3x3):
        ap.error("give at least one of --gemm, --gemm-avx2, --dw3x3")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    peak = gemm_table.medians(args.peak)

    def peak_line(name, label, style):
        return [(label, peak[name][0], style)] if name in peak else []

    if args.gemm:
        shapes, table = split_runs(gemm_table.medians(args.gemm), "gemm")
        impls = order_impls([i for i in table if i != "mote_avx2" or args.gemm_impls],
                            args.gemm_impls)
        bar_chart(args.out_dir / "gemm_gops.png",
                  f"int8 GEMM M x K x N, one thread, median of {repetitions(args.gemm)} runs",
                  machine_line(args, args.gemm), shapes, table, impls,
                  peak_line("peak/vpdpbusd_zmm", "vpdpbusd zmm peak", "--"), "M x K x N",
                  args.log)
    if args.gemm_avx2:
        shapes, table = split_runs(gemm_table.medians(args.gemm_avx2), "gemm")
        bar_chart(args.out_dir / "gemm_avx2_gops.png",
                  "int8 GEMM limited to AVX2 (mote forced to AVX2, ONEDNN_MAX_CPU_ISA=AVX2), "
                  f"median of {repetitions(args.gemm_avx2)} runs",
                  machine_line(args, args.gemm_avx2), shapes, table, order_impls(table, None),
                  peak_line("peak/vpmaddwd_ymm", "exact vpmaddwd ymm peak", "--") +
                  peak_line("peak/vpmaddubsw_vpmaddwd_ymm", "saturating vpmaddubsw ymm peak", ":"),
                  "M x K x N", args.log)
    if args.dw3x3:
        rows = dw3x3_table.medians(args.dw3x3)  # {shape: {impl: (GOP/s, CPU time)}}
        shapes = list(rows)
        table = {}
        for shape, row in rows.items():
            for impl, value in row.items():
                table.setdefault(impl, {})[shape] = value
        bar_chart(args.out_dir / "dw3x3_gops.png",
                  "int8 depthwise 3x3 H x W x C, stride, one thread, median of "
                  f"{repetitions(args.dw3x3)} runs", machine_line(args, args.dw3x3), shapes,
                  table, order_impls(table, args.dw3x3_impls), [], "H x W x C s stride", args.log)


if __name__ == "__main__":
    main()
