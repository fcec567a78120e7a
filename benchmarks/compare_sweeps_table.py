#!/usr/bin/python3
"""Side-by-side table of the λ sweeps (path100, cv5x100): GpuSparse's SweepBenchmarks rows against the peers'
rows measured in the same run (usage: compare_sweeps_table.py PEERS_JSON BDN_CSV COMMAND)."""
import csv
import json
import sys

from report_common import print_provenance, seconds

peers = json.load(open(sys.argv[1]))
mine = list(csv.DictReader(open(sys.argv[2])))
command = sys.argv[3]
WORKLOAD = {"Path100": "path100", "Cv5x100": "cv5x100"}


def family(method):
    return "glmnet" if "glmnet" in method else "sklearn"


# The peers' CV rows carry no gap (time_peers.py records the alpha chosen): their accuracy is taken from the same
# library's path on the same data at the same tolerance (the same solver and stopping rule, on all the data).
path_gaps = {(p["bench"].split()[1], family(p["method"]), p["tol"]): (p["rel_gap_median"], p["rel_gap_max"])
             for p in peers["rows"] if p["bench"].startswith("path100") and p.get("rel_gap_max") is not None}
for p in peers["rows"]:
    p["proxy"] = p.get("rel_gap_max") is None
    if p["proxy"]:
        p["rel_gap_median"], p["rel_gap_max"] = path_gaps.get((p["bench"].split()[1], family(p["method"]), p["tol"]), (None, None))


def at_most_as_accurate(peer, row):
    """The peer's gap/f median and max are both ≥ the row's: equal or looser accuracy, as measured (a tolerance is
    no measure of accuracy across solvers: scikit-learn checks its gap only once its updates are small, and so
    stops well below its tolerance)."""
    return peer["rel_gap_max"] is not None and peer["rel_gap_max"] >= row["gap_max"] \
        and peer["rel_gap_median"] >= row["gap_median"]


for r in mine:
    r["bench"] = f"{WORKLOAD[r['Method']]} {r['Set']}"
    r["seconds"] = seconds(r["Mean"])
    r["gap_max"] = float(r["GapMax"])
    r["gap_median"] = float(r["GapMedian"])

print("# λ sweeps: GpuSparse against the CPU peers, side by side\n")
print_provenance(peers["machine"], command)
print("Workloads of shared/peers/time_peers.py: path100 = a 100-λ Lasso path on scikit-learn's grid (eps 1e-3), "
      "warm-started; cv5x100 = 5 contiguous folds × the same 100 λ plus the full-data path. Accuracy is the relative "
      "duality gap gap/f of every (path, λ) solution, median / max (peers_common.duality_gap for the peers, "
      "PathResult.DualityGaps / Objectives for GpuSparse; for GpuSparse's cv5x100 over the fold paths and the "
      "refit). The peers' cv5x100 rows record no gap: theirs (marked ≈) is their path's at the same tolerance.\n")
print("Ratio = seconds of the fastest peer row of the workload at equal or looser accuracy (gap/f median and max both "
      "≥ GpuSparse's) / GpuSparse's seconds (> 1: GpuSparse faster). GpuSparse seconds are BenchmarkDotNet means (ShortRun, in "
      "process) of one whole PathSolver.Solve / CrossValidation.Run call; peer seconds are time_peers.py's medians.\n")
print("| workload | solver | tolerance | s | gap/f median / max | ratio vs fastest peer at equal-or-looser accuracy | "
      "busy / foreign cores |")
print("|---|---|---|---:|---|---|---|")
benches = list(dict.fromkeys([p["bench"] for p in peers["rows"]] + [r["bench"] for r in mine]))
for bench in benches:
    rivals = [p for p in peers["rows"] if p["bench"] == bench]
    for p in rivals:
        acc = "" if p["rel_gap_max"] is None else \
            f"{'≈ ' if p['proxy'] else ''}{p['rel_gap_median']:.1e} / {p['rel_gap_max']:.1e}"
        print(f"| {bench} | {p['method']} ({p['procs']} proc) | {p['tol']} | {p['seconds']:.4f} | {acc} | | "
              f"{p['busy_cores']} / {p['foreign_cores']}{' contended' if p['contended'] else ''} |")
    for r in sorted((r for r in mine if r["bench"] == bench), key=lambda r: (r["Backend"], -float(r["Tolerance"]))):
        looser = [p for p in rivals if at_most_as_accurate(p, r)]
        best = min(looser, key=lambda p: p["seconds"]) if looser else None
        ratio = "— (every peer row is more accurate)" if best is None else \
            f"**{best['seconds'] / r['seconds']:.2f}×** vs {best['method']} ({best['procs']} proc), {best['tol']}"
        print(f"| {bench} | GpuSparse {r['Backend']} | tol={float(r['Tolerance']):g} | {r['seconds']:.4f} | "
              f"{float(r['GapMedian']):.1e} / {r['gap_max']:.1e} | {ratio} | |")
print("\n## Every GpuSparse row of this run\n")
keys = ["Method", "Backend", "Set", "Tolerance", "Mean", "StdDev", "GapMax", "GapMedian", "Iter/problem", "NotConverged",
        "Allocated"]
print("| " + " | ".join(keys) + " |")
print("|" + "---|" * len(keys))
for r in mine:
    print("| " + " | ".join(r.get(k, "") for k in keys) + " |")
