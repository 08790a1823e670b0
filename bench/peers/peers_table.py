#!/usr/bin/env python3
"""Markdown tables of median GOP/s from the JSON written by run_peers.sh (argument: its folder)."""
import json
import pathlib
import sys

GEMM_IMPLS = ["xnnpack", "onednn", "onednn_u8s8", "gemmlowp", "gemmlowp_avx2"]
DW_IMPLS = ["xnnpack", "onednn"]


def medians(path):
    """{run_name: (GOP/s, CPU time in us, inexact)} of the median aggregates of a JSON file."""
    if not path.exists():
        return {}
    out = {}
    for b in json.loads(path.read_text())["benchmarks"]:
        if b.get("aggregate_name") == "median" and "GOPS" in b:
            unit = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b.get("time_unit", "ns")]
            inexact = b.get("label", "").startswith("INEXACT")
            out[b["run_name"]] = (b["GOPS"], b["cpu_time"] * unit, inexact)
    return out


def cell(results, name):
    """GOP/s, with * when the output was off by more than one quantum (timed anyway)."""
    if name not in results:
        return "—"
    gops, _, inexact = results[name]
    return f"{gops:.1f}" + ("*" if inexact else "")


def main():
    folder = pathlib.Path(sys.argv[1])
    peak = medians(folder / "peak.json")
    gemm = medians(folder / "gemm.json")
    gemm_avx2 = medians(folder / "gemm_onednn_avx2.json")
    dw = medians(folder / "dw3x3.json")
    dw_avx2 = medians(folder / "dw3x3_onednn_avx2.json")
    vnni = peak.get("peak/vpdpbusd_zmm", (None,))[0]

    print("| peak (one core) | GOP/s |\n|---|---:|")
    for name, (gops, _, _) in sorted(peak.items()):
        print(f"| `{name}` | {gops:.1f} |")
    print()

    shapes = list(dict.fromkeys(n.split("/")[2] for n in gemm))
    head = GEMM_IMPLS + ["onednn AVX2", "onednn_u8s8 AVX2"]
    print("| M x K x N | " + " | ".join(head) + " | best | best us | best / VNNI peak |")
    print("|---|" + "---:|" * (len(head) + 3))
    for shape in shapes:
        cells = [cell(gemm, f"gemm/{i}/{shape}") for i in GEMM_IMPLS]
        cells += [cell(gemm_avx2, f"gemm/{i}/{shape}") for i in ("onednn", "onednn_u8s8")]
        found = [(gemm[f"gemm/{i}/{shape}"], i) for i in GEMM_IMPLS if f"gemm/{i}/{shape}" in gemm]
        (best_gops, best_us, _), best = max(found) if found else ((0.0, 0.0, False), "—")
        share = f"{100 * best_gops / vnni:.0f}%" if vnni else "—"
        print(f"| {shape} | " + " | ".join(cells) + f" | {best} | {best_us:.1f} | {share} |")
    print()

    shapes = list(dict.fromkeys(n.split("/")[2] for n in dw))
    print("| H x W x C s | " + " | ".join(DW_IMPLS) + " | onednn AVX2 | best us |")
    print("|---|" + "---:|" * (len(DW_IMPLS) + 2))
    for shape in shapes:
        cells = [cell(dw, f"dw3x3/{i}/{shape}") for i in DW_IMPLS]
        cells.append(cell(dw_avx2, f"dw3x3/onednn/{shape}"))
        best_us = min(dw[f"dw3x3/{i}/{shape}"][1] for i in DW_IMPLS if f"dw3x3/{i}/{shape}" in dw)
        print(f"| {shape} | " + " | ".join(cells) + f" | {best_us:.1f} |")


if __name__ == "__main__":
    main()
