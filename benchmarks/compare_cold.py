"""Cold runs side by side: `gpusparse solve` as a fresh process against scikit-learn's bare coordinate-descent
kernel as a fresh Python process (cold_sk_cd_kernel.py), interleaved, on one portable-generator batch.
    /usr/bin/python3 benchmarks/compare_cold.py SHARED_PEERS_DIR WORK_DIR RUNS TOL NAME=COMMAND...
Each NAME=COMMAND is a GpuSparse contender: an executable, `solve` is put after it, then the command's own options
(e.g. its own --tol), then `--x … --backend cd --tol TOL --out …` (TOL unless it named one).
Runs every contender and the peer RUNS times in turn (round robin, so that load from other jobs falls on all
alike), after one untimed warm-up round that fills the page cache. Prints a Markdown table: wall seconds of the
whole process (median, min–max), CPU seconds (user + system, median), the seconds the process reports for its
solve (GpuSparse's `solved … in T s`, the peer's kernel loop), accuracy (gap/f worst / median, by the shared
peers_common definitions, of the coef.npy / intercept.npy each wrote) and the load average around the runs."""
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

peers, work, runs, tol = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
contenders = [arg.split("=", 1) for arg in sys.argv[5:]]
sys.path.insert(0, peers)
import time_peers  # noqa: E402  (the shared harness: generator, accuracy)

SET = "K10000_n64_p32"
data = os.path.join(work, "data")
if not os.path.exists(os.path.join(data, "alpha.npy")):
    os.makedirs(data, exist_ok=True)
    X, y, a = time_peers.make_batch(*time_peers.SETS[SET])
    np.save(os.path.join(data, "X.npy"), X)
    np.save(os.path.join(data, "y.npy"), y)
    np.save(os.path.join(data, "alpha.npy"), a)
here = os.path.dirname(os.path.abspath(__file__))
peer_env = dict(os.environ, LD_LIBRARY_PATH="/usr/lib/x86_64-linux-gnu/blas")  # Debian's reference BLAS, as compare_peers.sh
commands = {}  # name: (argv, environment, what its stdout reports, output folder)
for i, (name, command) in enumerate(contenders):
    out = f"{work}/out_{i}"
    words = command.split()
    own_tol = [] if "--tol" in words else ["--tol", tol]  # a contender may name its own tolerance
    exe = next(i for i, w in enumerate(words) if w != "env" and "=" not in w)  # after `env VAR=…`, if any
    commands[name] = (words[:exe + 1] + ["solve"] + words[exe + 1:] + ["--x", f"{data}/X.npy", "--y", f"{data}/y.npy", "--alpha",
                                                           f"{data}/alpha.npy", "--backend", "cd"] + own_tol + ["--out", out],
                      os.environ, r"in ([0-9.]+) s;", out)
commands["scikit-learn bare kernel (python3 cold_sk_cd_kernel.py)"] = (
    ["/usr/bin/python3", os.path.join(here, "cold_sk_cd_kernel.py"), data, f"{work}/out_peer", tol], peer_env,
    r"loop ([0-9.]+) s", f"{work}/out_peer")

def once(command, env, pattern):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    reported = float(re.search(pattern, done.stdout).group(1))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, reported


for name, (command, env, pattern, _) in commands.items():  # warm-up round: page cache, first-run effects
    once(command, env, pattern)
times = {name: [] for name in commands}
load0 = os.getloadavg()
for _ in range(runs):
    for name, (command, env, pattern, _) in commands.items():
        times[name].append(once(command, env, pattern))
load1 = os.getloadavg()
with open(os.path.join(work, "rounds.json"), "w") as raw:  # every round's (wall, CPU, reported) per process
    json.dump(times, raw, indent=1)

X = np.load(os.path.join(data, "X.npy"))
y = np.load(os.path.join(data, "y.npy"))
a = np.load(os.path.join(data, "alpha.npy"))
time_peers._G.update(X=X, y=y, a=a)
peer_name = list(commands)[-1]
peer_wall = statistics.median(w for w, _, _ in times[peer_name])
peer_loop = statistics.median(r for _, _, r in times[peer_name])
peer_cpu = statistics.median(c for _, c, _ in times[peer_name])
print(f"K = {X.shape[0]:,} Lasso problems of {X.shape[1]} × {X.shape[2]} ({SET}, X.npy {os.path.getsize(os.path.join(data, 'X.npy')) / 1e6:.0f} MB), "
      f"tol {tol}, {runs} interleaved rounds after one warm-up round; load average {load0[0]:.2f} before, {load1[0]:.2f} after.\n")
print("| process | wall s, median (min–max) | CPU s (user + sys), median | solve / kernel loop s it reports, median | gap/f max / median | wall ÷ peer's whole process | wall ÷ peer's kernel loop | CPU ÷ peer's CPU |")
print("|---|---|---:|---:|---|---:|---:|---:|")
for name, samples in times.items():
    walls = [w for w, _, _ in samples]
    cpus = [c for _, c, _ in samples]
    reported = [r for _, _, r in samples]
    W = np.load(os.path.join(commands[name][3], "coef.npy"))
    B = np.load(os.path.join(commands[name][3], "intercept.npy"))
    gap_median, gap_max = time_peers.accuracy(W, B)
    wall = statistics.median(walls)
    print(f"| {name} | {wall:.3f} ({min(walls):.3f}–{max(walls):.3f}) | {statistics.median(cpus):.3f} | "
          f"{statistics.median(reported):.3f} | {gap_max:.1e} / {gap_median:.1e} | {wall / peer_wall:.2f} | {wall / peer_loop:.2f} | "
          f"{statistics.median(cpus) / peer_cpu:.2f} |")
# Contention only ever adds time: the fastest round of each process is the least disturbed one.
peer_best_wall = min(w for w, _, _ in times[peer_name])
peer_best_loop = min(r for _, _, r in times[peer_name])
print(f"\nFastest round of each (least disturbed by other jobs): the peer's whole process {peer_best_wall:.3f} s, its kernel "
      f"loop {peer_best_loop:.3f} s; " + "; ".join(
          f"{name}: {min(w for w, _, _ in samples):.3f} s ({min(w for w, _, _ in samples) / peer_best_wall:.2f}× the "
          f"peer's process, {min(w for w, _, _ in samples) / peer_best_loop:.2f}× its loop)"
          for name, samples in times.items() if name != peer_name) + ".")
