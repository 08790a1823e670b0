#!/usr/bin/env python3
"""Markdown table of a dw3x3 benchmark run: median GOP/s per implementation and mote's ratios.

Usage: dw3x3_table.py dw3x3.json   (Google Benchmark JSON, run with --benchmark_repetitions and
--benchmark_report_aggregates_only=true)
"""
import json
import sys

# The order (bench/kernels/dw3x3_bench.cc); other shapes follow in run order.
SHAPES = ["112x112x32s1", "112x112x96s2", "56x56x144s1", "56x56x144s2", "28x28x192s1",
          "14x14x384s1", "14x14x576s1", "7x7x960s1"]


def in_order(shapes):
    """Shapes sorted by SHAPES (the JSON's order is shuffled by random interleaving)."""
    known = [s for s in SHAPES if s in shapes]
    return known + [s for s in shapes if s not in SHAPES]


def medians(path):
    with open(path) as f:
        data = json.load(f)
    table = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        _, impl, shape = b["run_name"].split("/")
        table.setdefault(shape, {})[impl] = (b["GOPS"], b["cpu_time"])
    return {shape: table[shape] for shape in in_order(list(table))}


def main():
    table = medians(sys.argv[1])
    impls = sorted({i for row in table.values() for i in row},
                   key=lambda i: (i != "mote", i.startswith("mote_"), i))
    peers = [i for i in impls if not i.startswith("mote")]
    header = ["H x W x C s"] + impls + ["mote us"] + [f"mote / {p}" for p in peers]
    print("| " + " | ".join(header) + " |")
    print("|---|" + "---:|" * (len(header) - 1))
    for shape, row in table.items():
        cells = [shape] + [f"{row[i][0]:.1f}" if i in row else "-" for i in impls]
        cells.append(f"{row['mote'][1]:.1f}" if "mote" in row else "-")
        for p in peers:
            ok = "mote" in row and p in row
            cells.append(f"{row['mote'][0] / row[p][0]:.2f}x" if ok else "-")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
