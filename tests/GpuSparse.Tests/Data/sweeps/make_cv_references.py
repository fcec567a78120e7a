#!/usr/bin/python3
"""Cross-validation references for tests/GpuSparse.Tests/Sweeps: scikit-learn LassoCV / ElasticNetCV and
R cv.glmnet on the same folds and the same lambda grid.

Run from this folder with Debian's interpreter (needs python3-sklearn, r-base-core, r-cran-glmnet):

    /usr/bin/python3 make_cv_references.py

Sets: `diabetes` (../cases/diabetes X.npy, y.npy; scikit-learn's KFold(5) contiguous folds) and `synth`
(the portable generator's problem(300, 60, seed 7, noise 1.0), regenerated in C# by
PortableGenerator.Problem; folds = RandomState(0).permutation(arange(300) % 5)).
Outputs per set: <set>_fold_ids.npy (int64, 0..K-1); <set>_lassocv_alphas.npy (L,), <set>_lassocv_mse_path.npy
(L, K); <set>_enetcv_l1_ratios.npy (R,), <set>_enetcv_alphas.npy (R, L), <set>_enetcv_mse_path.npy (R, L, K);
<set>_glmnet_cvm.npy, <set>_glmnet_cvsd.npy (L,) on the LassoCV grid; chosen values and versions in references.json.
"""
import json
import os
import subprocess
import sys

import numpy as np
import scipy
import sklearn
from sklearn.linear_model import ElasticNetCV, LassoCV
from sklearn.model_selection import PredefinedSplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, "/work/shared/peers")
from peers_common import portable_problem  # noqa: E402

TOL, MAX_ITER, THRESH = 1e-12, 10_000_000, 1e-14
L1_RATIOS = [0.2, 0.5, 0.9, 1.0]

R_SCRIPT = r"""
suppressMessages(library(glmnet))
a <- commandArgs(TRUE); d <- a[1]; n <- as.integer(a[2]); p <- as.integer(a[3])
X <- matrix(readBin(file.path(d, "X.bin"), "double", n * p), n, p, byrow = TRUE)
y <- readBin(file.path(d, "y.bin"), "double", n)
foldid <- readBin(file.path(d, "foldid.bin"), "integer", n) + 1L
lambda <- readBin(file.path(d, "lambda.bin"), "double", 100)
glmnet.control(fdev = 0, devmax = 1.0)
fit <- cv.glmnet(X, y, foldid = foldid, lambda = lambda, alpha = 1, standardize = FALSE,
                 thresh = %g, maxit = 1e7)
writeBin(as.double(fit$cvm), file.path(d, "cvm.bin")); writeBin(as.double(fit$cvsd), file.path(d, "cvsd.bin"))
cat(sprintf("%%.17g %%.17g %%s", fit$lambda.min, fit$lambda.1se, as.character(packageVersion("glmnet"))))
""" % THRESH


def sets():
    yield "diabetes", np.load(os.path.join(HERE, "..", "cases", "diabetes", "X.npy")), \
        np.load(os.path.join(HERE, "..", "cases", "diabetes", "y.npy")), np.repeat(np.arange(5), [89, 89, 88, 88, 88])
    X, y, _ = portable_problem(300, 60, 7, noise=1.0)
    yield "synth", X, y, np.random.RandomState(0).permutation(np.arange(300) % 5)


def main():
    out = {"generator": "make_cv_references.py", "command": "/usr/bin/python3 make_cv_references.py",
           "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                        "sklearn": sklearn.__version__},
           "settings": {"sklearn_tol": TOL, "sklearn_max_iter": MAX_ITER, "glmnet_thresh": THRESH,
                        "glmnet_control": "fdev=0, devmax=1.0", "standardize": False, "fit_intercept": True,
                        "enet_l1_ratios": L1_RATIOS}, "sets": {}}
    for name, X, y, fold in sets():
        n, p = X.shape
        np.save(os.path.join(HERE, f"{name}_fold_ids.npy"), fold.astype(np.int64))
        split = PredefinedSplit(fold)
        lasso = LassoCV(eps=1e-3, n_alphas=100, cv=split, tol=TOL, max_iter=MAX_ITER).fit(X, y)
        np.save(os.path.join(HERE, f"{name}_lassocv_alphas.npy"), lasso.alphas_)
        np.save(os.path.join(HERE, f"{name}_lassocv_mse_path.npy"), lasso.mse_path_)
        enet = ElasticNetCV(l1_ratio=L1_RATIOS, eps=1e-3, n_alphas=100, cv=split, tol=TOL, max_iter=MAX_ITER).fit(X, y)
        np.save(os.path.join(HERE, f"{name}_enetcv_l1_ratios.npy"), np.array(L1_RATIOS))
        np.save(os.path.join(HERE, f"{name}_enetcv_alphas.npy"), enet.alphas_)
        np.save(os.path.join(HERE, f"{name}_enetcv_mse_path.npy"), enet.mse_path_)
        d = os.path.join("/tmp", f"cvref_{name}")
        os.makedirs(d, exist_ok=True)
        X.astype("<f8").tofile(os.path.join(d, "X.bin")); y.astype("<f8").tofile(os.path.join(d, "y.bin"))
        fold.astype("<i4").tofile(os.path.join(d, "foldid.bin")); lasso.alphas_.astype("<f8").tofile(os.path.join(d, "lambda.bin"))
        with open(os.path.join(d, "cv.R"), "w") as fh:
            fh.write(R_SCRIPT)
        lmin, l1se, gver = subprocess.check_output(["Rscript", os.path.join(d, "cv.R"), d, str(n), str(p)], text=True).split()
        np.save(os.path.join(HERE, f"{name}_glmnet_cvm.npy"), np.fromfile(os.path.join(d, "cvm.bin"), "<f8"))
        np.save(os.path.join(HERE, f"{name}_glmnet_cvsd.npy"), np.fromfile(os.path.join(d, "cvsd.bin"), "<f8"))
        out["versions"]["glmnet"] = gver
        out["sets"][name] = {
            "n": n, "p": p, "folds": int(fold.max() + 1), "fold_sizes": np.bincount(fold).tolist(),
            "lassocv": {"call": f"LassoCV(eps=1e-3, n_alphas=100, cv=PredefinedSplit(fold_ids), tol={TOL:g}, max_iter={MAX_ITER})",
                        "alpha": float(lasso.alpha_)},
            "enetcv": {"call": f"ElasticNetCV(l1_ratio={L1_RATIOS}, eps=1e-3, n_alphas=100, cv=PredefinedSplit(fold_ids), tol={TOL:g}, max_iter={MAX_ITER})",
                       "alpha": float(enet.alpha_), "l1_ratio": float(enet.l1_ratio_)},
            "cv_glmnet": {"call": f"cv.glmnet(X, y, foldid=fold_ids+1, lambda=lassocv_alphas, alpha=1, standardize=FALSE, thresh={THRESH:g}, maxit=1e7) after glmnet.control(fdev=0, devmax=1)",
                          "lambda_min": float(lmin), "lambda_1se": float(l1se)},
        }
        print(name, out["sets"][name])
    with open(os.path.join(HERE, "references.json"), "w") as fh:
        json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
