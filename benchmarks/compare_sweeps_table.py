#!/usr/bin/python3
"""Side-by-side table of the λ sweeps (path100, cv5x100): for every peer row measured in the run, GpuSparse's fastest
SweepBenchmarks row at equal or better accuracy, and the ratio of their times
(usage: compare_sweeps_table.py PEERS_JSON OPENBLAS_PEERS_JSON BDN_CSV COMMAND)."""
import csv
import json
import sys

from report_common import print_provenance, seconds

reference, openblas = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
mine = list(csv.DictReader(open(sys.argv[3])))
command = sys.argv[4]
WORKLOAD = {"Path100": "path100", "Cv5x100": "cv5x100"}
# compare_sweeps.sh points each run at its BLAS with LD_LIBRARY_PATH (the machine record's BLAS report follows
# the system default, not what was loaded).
for run, blas in ((reference, " [ref BLAS]"), (openblas, " [OpenBLAS]")):
    for p in run["rows"]:
        p["blas"] = "" if "glmnet" in p["method"] else blas
peers = reference["rows"] + openblas["rows"]


def family(p):
    return ("glmnet" if "glmnet" in p["method"] else "sklearn") + p["blas"]


# The peers' CV rows carry no gap (time_peers.py records the alpha chosen): their accuracy is taken from the same
# library's path on the same data at the same tolerance (the same solver and stopping rule, on all the data).
path_gaps = {(p["bench"].split()[1], family(p), p["tol"]): (p["rel_gap_median"], p["rel_gap_max"])
             for p in peers if p["bench"].startswith("path100") and p.get("rel_gap_max") is not None}
for p in peers:
    p["proxy"] = p.get("rel_gap_max") is None
    if p["proxy"]:
        p["rel_gap_median"], p["rel_gap_max"] = path_gaps.get((p["bench"].split()[1], family(p), p["tol"]), (None, None))

for r in mine:
    r["bench"] = f"{WORKLOAD[r['Method']]} {r['Set']}"
    r["seconds"] = seconds(r["Mean"])
    r["gap_max"] = float(r["GapMax"])
    r["gap_median"] = float(r["GapMedian"])


def as_accurate(row, peer):
    """GpuSparse's row is at least as accurate as the peer's, as measured: gap/f median and max both ≤ the peer's
    (a tolerance is no measure of accuracy across solvers: scikit-learn checks its gap only once its updates are
    small, and so stops well below its tolerance)."""
    return peer["rel_gap_max"] is not None and row["gap_max"] <= peer["rel_gap_max"] \
        and row["gap_median"] <= peer["rel_gap_median"]


print("# λ sweeps: GpuSparse against the CPU peers, side by side\n")
print_provenance(reference["machine"], command)
print("Workloads of shared/peers/time_peers.py: path100 = a 100-λ Lasso path on scikit-learn's grid (eps 1e-3), "
      "warm-started; cv5x100 = 5 contiguous folds × the same 100 λ plus the full-data path. Accuracy is the relative "
      "duality gap gap/f of every (path, λ) solution, median / max (peers_common.duality_gap for the peers, "
      "PathResult.DualityGaps / Objectives for GpuSparse; for GpuSparse's cv5x100 over the fold paths and the "
      "refit). The peers' cv5x100 rows record no gap: theirs (marked ≈) is their path's at the same tolerance. "
      "scikit-learn ran twice, on Debian's default reference BLAS and on OpenBLAS.\n")
print("For every peer row: GpuSparse's fastest row whose gap/f median and max are both ≤ the peer's (equal or better "
      "accuracy, as measured), and ratio = peer seconds / GpuSparse seconds (> 1: GpuSparse faster). GpuSparse "
      "seconds are BenchmarkDotNet means (ShortRun, in process) of one whole PathSolver.Solve / CrossValidation.Run "
      "call; peer seconds are time_peers.py's medians.\n")
print("| workload | peer | tolerance | s | gap/f median / max | busy / foreign cores | GpuSparse at equal or better accuracy "
      "| s | gap/f median / max | ratio |")
print("|---|---|---|---:|---|---|---|---:|---|---:|")
for bench in dict.fromkeys(p["bench"] for p in peers):
    for p in (p for p in peers if p["bench"] == bench):
        acc = "" if p["rel_gap_max"] is None else \
            f"{'≈ ' if p['proxy'] else ''}{p['rel_gap_median']:.1e} / {p['rel_gap_max']:.1e}"
        rivals = [r for r in mine if r["bench"] == bench and as_accurate(r, p)]
        best = min(rivals, key=lambda r: r["seconds"]) if rivals else None
        ours = "— (no row as accurate) | | |" if best is None else \
            (f"{best['Backend']}, tol={float(best['Tolerance']):g} | {best['seconds']:.4f} | "
             f"{best['gap_median']:.1e} / {best['gap_max']:.1e} | **{p['seconds'] / best['seconds']:.2f}×**")
        print(f"| {bench} | {p['method']}{p['blas']} ({p['procs']} proc) | {p['tol']} | {p['seconds']:.4f} | {acc} | "
              f"{p['busy_cores']} / {p['foreign_cores']}{' contended' if p['contended'] else ''} | {ours} |")
print("\n## Every GpuSparse row of this run\n")
keys = ["Method", "Backend", "Set", "Tolerance", "Mean", "StdDev", "GapMax", "GapMedian", "Iter/problem", "NotConverged",
        "Allocated"]
print("| " + " | ".join(keys) + " |")
print("|" + "---|" * len(keys))
for r in mine:
    print("| " + " | ".join(r.get(k, "") for k in keys) + " |")
