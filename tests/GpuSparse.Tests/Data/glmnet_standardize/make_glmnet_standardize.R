# glmnet(standardize = TRUE) references with and without an intercept, for the Standardize mapping of
# GpuSparse (issue 14 item 4). Run in this folder: Rscript make_glmnet_standardize.R
# (Debian: apt-get install r-base-core r-cran-glmnet). Writes X.csv, y.csv, problems.csv.
#
# Mapping (README.md): glmnet's gaussian objective on its internal scale is
#   1/(2n)||y/ys - b0 - X b||^2 + lambda*(alpha*sum(xs_j |b_j|) + (1-alpha)/2*sum(xs_j^2 b_j^2)),
# xs_j = sqrt(mean(x_j^2) - mean(x_j)^2) (centred 1/n sd, WITH OR WITHOUT an intercept), ys = the 1/n sd of y
# (centred with an intercept, the root mean square without). y is written pre-divided by ys, so that glmnet's
# own ys is 1 and GpuSparse's Standardize = true, lambda = l, l1_ratio = alpha solves the same problem.
library(glmnet)
# No early stop of the path on a small change of deviance: every requested lambda is fitted.
glmnet.control(fdev = 0)
set.seed(20141)
n <- 60; p <- 8
# Columns with offsets and different scales, so that the centred sd differs from the root mean square.
offsets <- c(3, -2, 0.5, 10, 0, -7, 1, 4)
scales <- c(1, 0.2, 3, 0.5, 1, 2, 0.05, 1.5)
X <- sapply(1:p, function(j) offsets[j] + scales[j] * rnorm(n))
beta <- c(1.5, 0, -4, 0.8, 0, 0.3, 20, 0)
y <- 2 + X %*% beta + rnorm(n)
y <- as.vector(y)
rows <- list()
for (intercept in c(FALSE, TRUE)) {
  ys <- if (intercept) sqrt(mean((y - mean(y))^2)) else sqrt(mean(y^2))
  ytilde <- y / ys
  for (alpha in c(1, 0.5)) {
    fit0 <- glmnet(X, ytilde, alpha = alpha, standardize = TRUE, intercept = intercept, thresh = 1e-20, maxit = 1e7)
    lmax <- max(fit0$lambda)
    for (frac in c(0.3, 0.05, 0.005)) {
      lam <- frac * lmax
      # A decreasing sequence ending at lam (warm starts, as glmnet recommends), thresh far below the default.
      seqs <- exp(seq(log(lmax), log(lam), length.out = 30))
      fit <- glmnet(X, ytilde, alpha = alpha, lambda = seqs, standardize = TRUE, intercept = intercept,
                    thresh = 1e-20, maxit = 1e7)
      stopifnot(length(fit$lambda) == 30)
      cf <- as.vector(coef(fit)[, 30])
      rows[[length(rows) + 1]] <- c(intercept = as.numeric(intercept), alpha = alpha, lambda = lam, ys = ys,
                                    a0 = cf[1], cf[-1])
    }
  }
}
fmt <- function(m) { r <- trimws(formatC(m, digits = 17, format = "g")); dim(r) <- dim(m); dimnames(r) <- dimnames(m); r }
write.table(fmt(X), "X.csv", sep = ",", quote = FALSE, row.names = FALSE, col.names = paste0("x", 0:(p - 1)))
write.table(fmt(matrix(y, ncol = 1)), "y.csv", sep = ",", quote = FALSE, row.names = FALSE, col.names = "y")
tab <- do.call(rbind, rows)
colnames(tab) <- c("intercept", "alpha", "lambda", "ys", "a0", paste0("b", 0:(p - 1)))
write.table(fmt(tab), "problems.csv", sep = ",", quote = FALSE, row.names = FALSE)
cat("glmnet", as.character(packageVersion("glmnet")), "on", R.version.string, "\n")
