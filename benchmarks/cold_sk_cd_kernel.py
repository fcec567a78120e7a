"""scikit-learn's bare coordinate-descent kernel as a whole process, the peer of a cold `gpusparse solve`:
reads X.npy (K, n, p), y.npy (K, n) and alpha.npy (K,), solves every Lasso problem with
sklearn.linear_model._cd_fast.enet_coordinate_descent (time_peers.py's `sk_cd_kernel`: centring, one Fortran
copy, no input validation), writes coef.npy and intercept.npy, and prints the seconds spent in the loop.
    /usr/bin/python3 benchmarks/cold_sk_cd_kernel.py DATA_DIR OUT_DIR TOL"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.linear_model import _cd_fast  # noqa: E402

data, out, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
X = np.load(os.path.join(data, "X.npy"))
y = np.load(os.path.join(data, "y.npy"))
a = np.load(os.path.join(data, "alpha.npy"))
K, n, p = X.shape
W = np.empty((K, p))
B = np.empty(K)
rng = np.random.RandomState(0)  # unused by cyclic CD
t0 = time.perf_counter()
for k in range(K):
    xm = X[k].mean(axis=0)
    ym = y[k].mean()
    Xc = np.asfortranarray(X[k])
    Xc -= xm
    yc = y[k] - ym
    w = _cd_fast.enet_coordinate_descent(np.zeros(p), a[k] * n, 0.0, Xc, yc, 100_000, tol, rng, 0, 0)[0]
    W[k], B[k] = w, ym - xm @ w
loop = time.perf_counter() - t0
os.makedirs(out, exist_ok=True)
np.save(os.path.join(out, "coef.npy"), W)
np.save(os.path.join(out, "intercept.npy"), B)
print(f"loop {loop:.4f} s")
