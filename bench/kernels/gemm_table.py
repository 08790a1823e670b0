#!/usr/bin/env python3
"""Markdown tables of the int8 GEMM benchmark (median GOP/s), mote against each peer.

Arguments: the JSON of mote_gemm_bench (default run), the JSON of its AVX2 run
(ONEDNN_MAX_CPU_ISA=AVX2, filter gemm/(onednn|onednn_u8s8|mote_avx2)/), and the JSON of
mote_peak_bench (optional). See docs/performance.md for the commands.
"""
import json
import math
import pathlib
import sys

SHAPES = [
    "12544x32x16", "12544x16x96", "3136x24x144", "3136x144x24", "784x32x192", "784x192x32",
    "196x64x384", "196x384x64", "196x96x576", "49x160x960", "49x960x320", "49x320x1280",
    "1x1280x1000", "256x256x256", "512x512x512", "1024x1024x1024",
]
PEERS = ["xnnpack", "onednn", "onednn_u8s8", "gemmlowp", "gemmlowp_avx2"]


def medians(path):
    """{run_name: (GOP/s, CPU time in us, inexact)} of the median aggregates of a JSON file."""
    if path is None or not path.exists():
        return {}
    out = {}
    for b in json.loads(path.read_text())["benchmarks"]:
        if b.get("aggregate_name") == "median" and "GOPS" in b:
            unit = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b.get("time_unit", "ns")]
            inexact = b.get("label", "").startswith("INEXACT")
            out[b["run_name"]] = (b["GOPS"], b["cpu_time"] * unit, inexact)
    return out


def geomean(values):
    values = [v for v in values if v]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def fmt(x, digits=1, suffix=""):
    return "—" if x is None else f"{x:.{digits}f}{suffix}"


def main():
    args = [pathlib.Path(a) for a in sys.argv[1:]]
    gemm = medians(args[0])
    avx2 = medians(args[1] if len(args) > 1 else None)
    peak = medians(args[2] if len(args) > 2 else None)
    vnni = peak.get("peak/vpdpbusd_zmm", (None,))[0]

    print("| M x K x N | mote GOP/s | mote us | % VNNI peak | " + " | ".join(PEERS) +
          " | best peer | mote / best | mote / xnnpack | mote, integer epilogue |")
    print("|---|" + "---:|" * (len(PEERS) + 7))
    ratios_best, ratios_xnn = [], []
    for s in SHAPES:
        mote = gemm.get(f"gemm/mote/{s}")
        if mote is None:
            continue
        peers = {p: gemm.get(f"gemm/{p}/{s}") for p in PEERS}
        exact = {p: r for p, r in peers.items() if r is not None and not r[2]}
        best = max(exact, key=lambda p: exact[p][0]) if exact else None
        ratio = mote[0] / exact[best][0] if best else None
        xnn = mote[0] / peers["xnnpack"][0] if peers["xnnpack"] else None
        ratios_best.append(ratio)
        ratios_xnn.append(xnn)
        pct = 100.0 * mote[0] / vnni if vnni else None
        integer = gemm.get(f"gemm/mote_int/{s}")  # without a float epilogue plan
        cells = [fmt(peers[p][0] if peers[p] else None) for p in PEERS]
        print(f"| {s} | {mote[0]:.1f} | {mote[1]:.1f} | {fmt(pct, 0, '%')} | " + " | ".join(cells) +
              f" | {best or '—'} | {fmt(ratio, 2)} | {fmt(xnn, 2)} | {fmt(integer[0] if integer else None)} |")
    print(f"\ngeomean(mote / best peer) = {fmt(geomean(ratios_best), 3)}, "
          f"min = {fmt(min((r for r in ratios_best if r), default=None), 2)}; "
          f"geomean(mote / xnnpack) = {fmt(geomean(ratios_xnn), 2)}, "
          f"min = {fmt(min((r for r in ratios_xnn if r), default=None), 2)}")

    if not avx2:
        return
    print("\n| M x K x N | mote_avx2 | onednn AVX2 | onednn_u8s8 AVX2 | mote_avx2 / onednn | "
          "mote_avx2 / onednn_u8s8 |")
    print("|---|---:|---:|---:|---:|---:|")
    r1, r2 = [], []
    for s in SHAPES:
        mote = avx2.get(f"gemm/mote_avx2/{s}") or gemm.get(f"gemm/mote_avx2/{s}")
        a = avx2.get(f"gemm/onednn/{s}")
        b = avx2.get(f"gemm/onednn_u8s8/{s}")
        if mote is None:
            continue
        x = mote[0] / a[0] if a else None
        y = mote[0] / b[0] if b else None
        r1.append(x)
        r2.append(y)
        star = lambda r: "" if r is None or not r[2] else "*"
        print(f"| {s} | {mote[0]:.1f} | {fmt(a[0] if a else None)}{star(a)} | "
              f"{fmt(b[0] if b else None)}{star(b)} | {fmt(x, 2)} | {fmt(y, 2)} |")
    print(f"\ngeomean(mote_avx2 / onednn AVX2) = {fmt(geomean(r1), 3)}; "
          f"geomean(mote_avx2 / onednn_u8s8 AVX2) = {fmt(geomean(r2), 3)}")


if __name__ == "__main__":
    main()
