#!/usr/bin/python3
"""Ratio table of benchmarks/RESULTS.md: GpuSparse's BenchmarkDotNet rows against the fastest scikit-learn /
glmnet row of the same workload measured in the same run (usage: compare_table.py PEERS_JSON BDN_CSV COMMAND)."""
import csv
import json
import sys

from report_common import print_provenance, seconds

peers = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
command = sys.argv[3]

print("# Benchmarks: GpuSparse against the CPU peers, side by side\n")
print_provenance(peers["machine"], command)
print("Accuracy is the relative duality gap gap/f of every returned solution (peers_common.duality_gap for the "
      "peers, the same formula for GpuSparse), worst and median over the batch.\n")
print("| workload | GpuSparse row | s | gap/f max / median | fastest peer at tol 1e-4 | s | gap/f max / median | ratio | "
      "fastest peer at ≤ 1e-6 (tol 1e-8) | s | gap/f max / median | ratio | peer contention |")
print("|---|---|---:|---|---|---:|---|---:|---|---:|---|---:|---|")
for r in rows:
    bench = r["Workload"]
    mine = seconds(r["Mean"])
    cands = [p for p in peers["rows"] if p["bench"] == bench and p.get("rel_gap_max") is not None]
    if not cands:
        continue

    def best(pred):
        sel = [p for p in cands if pred(p)]
        return min(sel, key=lambda p: p["seconds"]) if sel else None
    loose = best(lambda p: p["tol"] in ("tol=0.0001", "thresh=1e-07"))
    tight = best(lambda p: p["rel_gap_max"] <= 1e-6)
    cells = []
    for p in (loose, tight):
        if p is None:
            cells += ["—", "", "", ""]
        else:
            cells += [f"{p['method']} ({p['procs']} proc, {p['tol']})", f"{p['seconds']:.4f}",
                      f"{p['rel_gap_max']:.1e} / {p['rel_gap_median']:.1e}", f"**{p['seconds'] / mine:.2f}×**"]
    cont = ", ".join(f"{p['busy_cores']}/{p['foreign_cores']}" for p in (loose, tight) if p)
    print(f"| {bench} | {r['Backend']} {r['Precision']} tol {r['Tolerance']} | {mine:.4f} | {r['GapMax']} / {r['GapMedian']} | "
          + " | ".join(cells) + f" | {cont} |")
print("\nRatio = peer seconds / GpuSparse seconds (> 1: GpuSparse faster). GpuSparse times are BenchmarkDotNet means "
      "(ShortRun, in process) of one whole `Solve` call: validation, preparation, Gram matrices, sweeps, certificates "
      "and raw-scale results, both cores.\n")
print("## Every peer row of this run\n")
print("| bench | method | procs | tolerance | s | gap/f median / max | busy / foreign cores |")
print("|---|---|---|---|---:|---|---|")
for p in peers["rows"]:
    acc = f"{p['rel_gap_median']:.1e} / {p['rel_gap_max']:.1e}" if p.get("rel_gap_median") is not None else ""
    print(f"| {p['bench']} | {p['method']} | {p['procs']} | {p['tol']} | {p['seconds']:.4f} | {acc} | "
          f"{p['busy_cores']} / {p['foreign_cores']}{' contended' if p['contended'] else ''} |")
print("\n## Every GpuSparse row of this run\n")
keys = ["Backend", "Precision", "Workload", "Tolerance", "Mean", "StdDev", "GapMax", "GapMedian", "Iter/problem",
        "NotConverged", "Allocated"]
print("| " + " | ".join(keys) + " |")
print("|" + "---|" * len(keys))
for r in rows:
    print("| " + " | ".join(r.get(k, "") for k in keys) + " |")
