#!/usr/bin/env python3
"""Accuracy of the TF32 option (EvaluateOptions::allow_tf32, `--tf32`) on data sets that
scikit-learn ships, measured with the CPU backend's emulation of the TF32 operand rounding
(docs/MATH.md §1.9; a GPU measurement is pending).

  python3 bench/mixture/tf32_accuracy.py PATH/TO/boltzkit [--out FILE.md]

For each set a scikit-learn GaussianMixture (full, seed 0) gives K components; then
`boltzkit gaussian loglik --backend cpu` runs on float64 inputs (the reference), on float32
inputs, and on float32 inputs with --tf32, and `boltzkit gaussian fit` runs in float32 with and
without --tf32 from the same seed. Printed: the errors against the float64 run of the mixture
log-likelihood per point (max |.|, nats), the average log-likelihood, the responsibilities
(max |.|), the scores (norm-wise relative), the summed d/dSigma (norm of the error over the norm
of 1/2 W_k Sigma_k^-1, one of its two terms: at the fitted parameters the gradient itself is ~0),
and the fit's final average log-likelihood. Needs numpy and scikit-learn.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np


def data_sets():
    from sklearn.datasets import load_breast_cancer, load_digits
    from sklearn.decomposition import PCA
    bc = load_breast_cancer().data
    digits = load_digits().data
    return [("breast_cancer (standardized)", (bc - bc.mean(0)) / bc.std(0), 3),
            ("digits, PCA to 8", PCA(8, random_state=0).fit_transform(digits), 10),
            ("digits, PCA to 40", PCA(40, random_state=0).fit_transform(digits), 10)]


def loglik(cli, work, tag, x, gm, dtype, tf32):
    d = os.path.join(work, tag)
    os.makedirs(d, exist_ok=True)
    files = {}
    for name, a in (("x", x), ("mean", gm.means_), ("cov", gm.covariances_),
                    ("weights", gm.weights_ / gm.weights_.sum())):
        files[name] = os.path.join(d, name + ".npy")
        np.save(files[name], np.ascontiguousarray(a, dtype=dtype))
    out = os.path.join(d, "out")
    cmd = [cli, "gaussian", "loglik", "--backend", "cpu", "--out", out] + sum(
        (["--" + k, v] for k, v in files.items()), []) + (["--tf32"] if tf32 else [])
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return {k: np.load(os.path.join(out, k + ".npy")).astype(np.float64)
            for k in ("mix_logp", "resp", "score", "sum_grad_cov")}


def fit(cli, work, tag, x, k, tf32):
    d = os.path.join(work, "fit_" + tag)
    os.makedirs(d, exist_ok=True)
    xf = os.path.join(d, "x.npy")
    np.save(xf, x.astype(np.float32))
    out = os.path.join(d, "out")
    cmd = [cli, "gaussian", "fit", "--x", xf, "--components", str(k), "--n-init", "1",
           "--seed", "0", "--backend", "cpu", "--out", out] + (["--tf32"] if tf32 else [])
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    lines = open(os.path.join(out, "loglik.csv")).read().split()[1:]
    return float(lines[-1].split(",")[1]), len(lines) - 1


def rel(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cli")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    from sklearn.mixture import GaussianMixture
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name, x, k in data_sets():
            gm = GaussianMixture(k, covariance_type="full", random_state=0).fit(x)
            ref = loglik(args.cli, work, "f64", x, gm, np.float64, False)
            # At the fitted parameters dl/dSigma = 1/2 P (S - W Sigma) P is ~0 (two nearly equal
            # terms): its errors are measured against the size of one term, |1/2 W_k P_k|.
            w = ref["resp"].sum(0)
            scale = np.linalg.norm([0.5 * w[j] * np.linalg.inv(gm.covariances_[j])
                                    for j in range(k)])
            res = {}
            for tag, tf32 in (("fp32", False), ("tf32", True)):
                r = loglik(args.cli, work, tag, x, gm, np.float32, tf32)
                res[tag] = [np.abs(r["mix_logp"] - ref["mix_logp"]).max(),
                            abs(r["mix_logp"].mean() - ref["mix_logp"].mean()),
                            np.abs(r["resp"] - ref["resp"]).max(),
                            rel(r["score"], ref["score"]),
                            np.linalg.norm(r["sum_grad_cov"] - ref["sum_grad_cov"]) / scale]
            f32, it32 = fit(args.cli, work, "fp32", x, k, False)
            t32, itt = fit(args.cli, work, "tf32", x, k, True)
            rows.append((name, x.shape[0], x.shape[1], k, res, ref["mix_logp"].mean(), f32, it32,
                         t32, itt))
    lines = ["| data (N, D, K) | path on the GPU | run | max abs err log p (nats) | err avg log-lik "
             "| max abs err resp | rel err score | err sum dSigma / |W P/2| |",
             "|---|---|---|---|---|---|---|---|"]
    for name, npts, dim, k, res, avg, *_ in rows:
        path = "fused log p (no GEMM)" if dim <= 32 else "whitening GEMM"
        for tag in ("fp32", "tf32"):
            e = res[tag]
            lines.append("| %s (%d, %d, %d) | %s | %s | %.2g | %.2g | %.2g | %.2g | %.2g |" % (
                name, npts, dim, k, path, "float32" if tag == "fp32" else "float32 + TF32",
                e[0], e[1], e[2], e[3], e[4]))
    lines += ["", "| data | avg log-lik (float64) | fit float32: final avg log-lik (iterations) "
              "| fit float32 + TF32 | difference |", "|---|---|---|---|---|"]
    for name, npts, dim, k, res, avg, f32, it32, t32, itt in rows:
        lines.append("| %s | %.6f | %.6f (%d) | %.6f (%d) | %.2g |" % (
            name, avg, f32, it32, t32, itt, t32 - f32))
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
