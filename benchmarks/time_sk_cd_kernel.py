"""Times scikit-learn's bare coordinate-descent kernel (time_peers.py's `sk_cd_kernel`, 1 process) on one
portable-generator batch, with its contention figures, without the rest of time_peers.py's sets and methods.
    python3 benchmarks/time_sk_cd_kernel.py SHARED_PEERS_DIR [SET] [TOL] [RUNS] [METHOD]
(defaults: K10000_n64_p32, tol 1e-4, 5 runs, sk_cd_kernel; METHOD may be any batch method of time_peers.py). Prints one Markdown row: seconds (median, min), gap/f max / median,
busy / foreign cores during the timed runs."""
import sys

sys.path.insert(0, sys.argv[1])
import time_peers  # noqa: E402  (the shared timing harness: generator, kernel loop, accuracy)

name = sys.argv[2] if len(sys.argv) > 2 else "K10000_n64_p32"
tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-4
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
method = sys.argv[5] if len(sys.argv) > 5 else "sk_cd_kernel"
K, n, p, seed0, useed = time_peers.SETS[name]
X, y, a = time_peers.make_batch(K, n, p, seed0, useed)
time_peers._G.update(X=X, y=y, a=a, rng=time_peers.np.random.RandomState(0))
s0, t0, w0 = time_peers.proc_snapshot(), time_peers._stat(), time_peers.time.time()
median, minimum, (W, B) = time_peers.time_sklearn_batch(method, tol, runs)
s1, t1, w1 = time_peers.proc_snapshot(), time_peers._stat(), time_peers.time.time()
gap_median, gap_max = time_peers.accuracy(W, B)
print(f"| {name} | {method} (1 proc, tol={tol:g}) | median {median:.4f} s, min {minimum:.4f} s ({runs} runs) "
      f"| {gap_max:.1e} / {gap_median:.1e} | {time_peers.busy_cores(t0, t1):.2f} / "
      f"{time_peers.foreign_cores(s0, s1, w1 - w0):.2f} |")
