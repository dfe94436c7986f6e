#!/usr/bin/env python3
"""Checks the `boltzkit` command against references written independently of the library:

gaussian  `boltzkit gaussian logpdf` (CPU backend) against scipy.stats.multivariate_normal and
          numpy closed forms of the gradients, for covariance, precision and Cholesky inputs,
          float64 and float32, per-row and broadcast mean/matrix (summed and per-row ∂Σ), and a
          central finite difference of log p for the Cholesky gradient.
ising     `boltzkit ising lattice` (CPU backend, fixed seeds) against brute-force enumeration of
          small periodic lattices with a field and ferro/antiferromagnetic J, both algorithms:
          every observable within 4 of its binned error bars.
rbm       `boltzkit rbm train` (CPU backend, CD-1 and PCD-2): the trace's final log-likelihood
          against numpy's sum of e^{−E(v,h)} over every (v, h) of the written W, b, c, and the
          trained model well above the uniform one.
bm        `boltzkit bm exact` and `bm sample` (CPU backend) on a random dense J: log Z, ⟨s⟩, ⟨ss⟩
          against numpy's brute-force sum over all 2^N states; the sample means within 5 of
          their standard errors.

mixture   `boltzkit gaussian fit` (CPU, best of 20 k-means++ starts) against scikit-learn's
          GaussianMixture (full covariances, best of 20) on data sets scikit-learn ships: breast
          cancer (standardized, K = 3) and digits reduced by PCA to 8 dimensions (K = 10). The
          average log-likelihood of the written parameters, computed here with scipy, must be at
          least scikit-learn's minus 1e-3 (EM finds local optima; both keep the best of 20).
          `boltzkit gaussian loglik` of the same parameters must agree with scipy too.

Usage: crosscheck.py PATH/TO/boltzkit [gaussian|ising|rbm|bm|mixture ...]   (exit 1 on any failure)
Needs numpy and scipy (mixture: scikit-learn too); ctest runs each part when CMake finds what
it needs (tests/crosscheck/CMakeLists.txt).
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.stats import multivariate_normal

FAILURES = []


def check(name, ok, detail):
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if not ok:
        FAILURES.append(name)


def run_logpdf(cli, work, x, mean, matrix, flag, extra=()):
    for name, arr in (("x", x), ("mean", mean), ("matrix", matrix)):
        np.save(os.path.join(work, f"{name}.npy"), arr)
    out = os.path.join(work, "out")
    subprocess.run([cli, "gaussian", "logpdf", "--x", os.path.join(work, "x.npy"),
                    "--mean", os.path.join(work, "mean.npy"), flag,
                    os.path.join(work, "matrix.npy"), "--grad", "--backend", "cpu",
                    "--out", out, *extra], check=True)
    # The matrix gradient is named by the parameterization it differentiates.
    grad_name = {"--cov": "grad_cov", "--precision": "grad_precision", "--chol": "grad_chol"}[flag]
    r = {k: np.load(os.path.join(out, f"{k}.npy")) for k in ("logp", "info", "grad_mean")}
    r["grad_matrix"] = np.load(os.path.join(out, f"{grad_name}.npy"))
    return r


def random_spd(rng, batch, d):
    a = rng.normal(size=(batch, d, d))
    return a @ a.transpose(0, 2, 1) + 0.5 * np.eye(d)


def gaussian(cli, work):
    rng = np.random.default_rng(20261123)
    for d in (1, 3, 7):
        b = 40
        x, mu = rng.normal(size=(b, d)), rng.normal(size=(b, d))
        cov = random_spd(rng, b, d)
        prec = np.linalg.inv(cov)
        chol = np.linalg.cholesky(cov)
        ref = np.array([multivariate_normal(mu[i], cov[i]).logpdf(x[i]) for i in range(b)])
        g = np.einsum("bij,bj->bi", prec, x - mu)  # Σ⁻¹d
        grad_cov = -0.5 * (prec - np.einsum("bi,bj->bij", g, g))
        grad_prec = 0.5 * (cov - np.einsum("bi,bj->bij", x - mu, x - mu))
        for flag, matrix, expected_grad in (("--cov", cov, grad_cov),
                                            ("--precision", prec, grad_prec),
                                            ("--chol", chol, None)):
            r = run_logpdf(cli, work, x, mu, matrix, flag)
            tag = f"D={d} {flag[2:]} float64"
            check(f"{tag} log p", np.allclose(r["logp"], ref, rtol=1e-11, atol=1e-11),
                  f"max |Δ| {np.abs(r['logp'] - ref).max():.2e}")
            check(f"{tag} ∂μ", np.allclose(r["grad_mean"], g, rtol=1e-10, atol=1e-10),
                  f"max |Δ| {np.abs(r['grad_mean'] - g).max():.2e}")
            check(f"{tag} info", (r["info"] == 0).all(), f"{r['info'].tolist()[:5]}")
            if expected_grad is not None:
                check(f"{tag} ∂matrix", np.allclose(r["grad_matrix"], expected_grad, rtol=1e-10,
                                                    atol=1e-10),
                      f"max |Δ| {np.abs(r['grad_matrix'] - expected_grad).max():.2e}")
            else:  # Cholesky: central differences of log p in each lower-triangle entry
                h, worst = 1e-6, 0.0
                for i in range(min(b, 5)):
                    for p in range(d):
                        for q in range(p + 1):
                            lp, lm = chol[i].copy(), chol[i].copy()
                            lp[p, q] += h
                            lm[p, q] -= h
                            fd = (multivariate_normal(mu[i], lp @ lp.T).logpdf(x[i]) -
                                  multivariate_normal(mu[i], lm @ lm.T).logpdf(x[i])) / (2 * h)
                            worst = max(worst, abs(fd - r["grad_matrix"][i, p, q]))
                    worst = max(worst, np.abs(np.triu(r["grad_matrix"][i], 1)).max())
                check(f"{tag} ∂L vs finite differences", worst < 1e-6, f"max |Δ| {worst:.2e}")
        r32 = run_logpdf(cli, work, x.astype(np.float32), mu.astype(np.float32),
                         cov.astype(np.float32), "--cov")
        rel = np.abs(r32["logp"] - ref) / np.maximum(1.0, np.abs(ref))
        check(f"D={d} cov float32 log p", r32["logp"].dtype == np.float32 and rel.max() < 1e-4,
              f"max rel {rel.max():.2e}")
        # One mean and one matrix broadcast over every row of X.
        rb = run_logpdf(cli, work, x, mu[0], cov[0], "--cov")
        rp = run_logpdf(cli, work, x, mu[0], cov[0], "--cov", ["--per-row-grad"])
        refb = multivariate_normal(mu[0], cov[0]).logpdf(x).reshape(b)
        gb = (x - mu[0]) @ prec[0]
        per_row = -0.5 * (prec[0][None] - np.einsum("bi,bj->bij", gb, gb))
        check(f"D={d} broadcast log p", np.allclose(rb["logp"], refb, rtol=1e-11, atol=1e-11),
              f"max |Δ| {np.abs(rb['logp'] - refb).max():.2e}")
        check(f"D={d} broadcast summed ∂Σ",
              rb["grad_matrix"].shape == (d, d) and np.allclose(rb["grad_matrix"], per_row.sum(0),
                                                             rtol=1e-10, atol=1e-9),
              f"shape {rb['grad_matrix'].shape}")
        check(f"D={d} broadcast per-row ∂Σ",
              rp["grad_matrix"].shape == (b, d, d) and np.allclose(rp["grad_matrix"], per_row,
                                                                rtol=1e-10, atol=1e-10),
              f"shape {rp['grad_matrix'].shape}")
        check(f"D={d} broadcast summed ∂μ",
              rb["grad_mean"].shape == (d,) and np.allclose(rb["grad_mean"], gb.sum(0),
                                                            rtol=1e-10, atol=1e-9),
              f"shape {rb['grad_mean'].shape}")
        check(f"D={d} broadcast per-row ∂μ",
              rp["grad_mean"].shape == (b, d) and np.allclose(rp["grad_mean"], gb, rtol=1e-10,
                                                              atol=1e-10),
              f"shape {rp['grad_mean'].shape}")
        # scipy.linalg.cholesky's default is the upper factor U (Σ = UᵀU): read with --upper.
        upper = np.ascontiguousarray(chol.transpose(0, 2, 1))
        ru = run_logpdf(cli, work, x, mu, upper, "--chol", ["--upper"])
        check(f"D={d} upper Cholesky log p", np.allclose(ru["logp"], ref, rtol=1e-11, atol=1e-11),
              f"max |Δ| {np.abs(ru['logp'] - ref).max():.2e}")


def enumerate_lattice(lx, ly, beta, j, h):
    """Exact ⟨e⟩, ⟨|m|⟩, ⟨m²⟩, c = β²N var(e), χ = βN(⟨m²⟩ − ⟨|m|⟩²) by summing all 2^N states
    (periodic, each bond once; on an extent of 2 both bonds between a pair count)."""
    n = lx * ly
    states = ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1) * 2 - 1
    s = states.reshape(-1, ly, lx)
    energy = (-j * (s * np.roll(s, -1, axis=2)).sum((1, 2))
              - j * (s * np.roll(s, -1, axis=1)).sum((1, 2)) - h * s.sum((1, 2)))
    w = np.exp(-beta * (energy - energy.min()))
    w /= w.sum()
    e, m = energy / n, s.sum((1, 2)) / n
    mean = lambda f: float((w * f).sum())
    return {"energy_per_spin": mean(e), "abs_magnetization": mean(np.abs(m)),
            "magnetization_sq": mean(m * m),
            "specific_heat": beta ** 2 * n * (mean(e * e) - mean(e) ** 2),
            "susceptibility": beta * n * (mean(m * m) - mean(np.abs(m)) ** 2)}


def ising(cli, _work):
    cases = [(4, 4, 0.4, 1.0, 0.3), (6, 2, 0.5, 1.0, 0.1), (10, 2, 0.35, -0.8, 0.25)]
    for algorithm in ("metropolis", "heatbath"):
        for seed, (lx, ly, beta, j, h) in enumerate(cases, start=11):
            args = [cli, "ising", "lattice", "--quiet", "--json", "--backend", "cpu",
                    "--size", f"{lx}x{ly}", "--beta", str(beta), "--J", str(j), "--h", str(h),
                    "--algorithm", algorithm, "--sweeps", "200000", "--burn-in", "1000",
                    "--seed", str(seed)]
            if algorithm == "metropolis" and 2 in (lx, ly):
                # Checkerboard Metropolis is not ergodic there: the command refuses (exit 2).
                rc = subprocess.run(args, capture_output=True).returncode
                check(f"metropolis {lx}x{ly} refused", rc == 2, f"exit code {rc}")
                continue
            exact = enumerate_lattice(lx, ly, beta, j, h)
            out = json.loads(subprocess.run(args, check=True, capture_output=True,
                                            text=True).stdout)
            for key, value in exact.items():
                est = out[key]
                z = (est["mean"] - value) / max(est["stderr"], 1e-12)
                check(f"{algorithm} {lx}x{ly} β={beta} J={j} h={h} {key}", abs(z) < 4,
                      f"{est['mean']:.6f} ± {est['stderr']:.1e} vs exact {value:.6f} (z {z:+.2f})")


def rbm_log_likelihood(w, b, c, data, beta=1.0):
    """Average log p(v) by summing exp(−βE(v, h)) over every (v, h) of a tiny ±1 RBM."""
    nv, nh = w.shape
    vs = np.array([[1.0 if (t >> i) & 1 else -1.0 for i in range(nv)] for t in range(2 ** nv)])
    hs = np.array([[1.0 if (t >> j) & 1 else -1.0 for j in range(nh)] for t in range(2 ** nh)])
    neg_e = beta * (vs @ w @ hs.T + (vs @ b)[:, None] + (hs @ c)[None, :])  # (2^V, 2^H)
    top = neg_e.max()
    log_marg = top + np.log(np.exp(neg_e - top).sum(axis=1))
    log_z = top + np.log(np.exp(neg_e - top).sum())
    index = ((data > 0) * (1 << np.arange(nv))).sum(axis=1)
    return float(log_marg[index].mean() - log_z)


def rbm(cli, work):
    rng = np.random.default_rng(5)
    protos = np.array([[1, 1, 1, -1, -1, -1, 1], [-1, 1, -1, 1, -1, 1, -1]], dtype=float)
    data = protos[rng.integers(0, 2, 60)] * np.where(rng.random((60, 7)) < 0.1, -1.0, 1.0)
    np.save(os.path.join(work, "S.npy"), data)
    for extra in ([], ["--pcd", "--cd-k", "2"]):
        out = os.path.join(work, "rbm_out" + "".join(extra))
        subprocess.run([cli, "rbm", "train", "--data", os.path.join(work, "S.npy"), "--hidden", "4",
                        "--epochs", "30", "--lr", "0.05", "--batch", "10", "--backend", "cpu",
                        "--out", out, *extra], check=True, capture_output=True)
        w, b, c = (np.load(os.path.join(out, f"{k}.npy")) for k in ("W", "b", "c"))
        trace = np.genfromtxt(os.path.join(out, "trace.csv"), delimiter=",", names=True)
        ll = rbm_log_likelihood(w, b, c, data)
        name = "rbm train " + (" ".join(extra) or "CD-1")
        check(f"{name}: trace log-likelihood", abs(trace["log_likelihood"][-1] - ll) < 1e-9,
              f"{trace['log_likelihood'][-1]:.12f} vs brute force {ll:.12f}")
        uniform = -7 * np.log(2.0)
        check(f"{name}: learned", ll > uniform + 1.0, f"{ll:.4f} vs uniform model {uniform:.4f}")


def bm(cli, work):
    rng = np.random.default_rng(9)
    n, beta = 9, 0.9
    j = np.triu(rng.normal(0.0, 0.5, (n, n)), 1)
    j = j + j.T
    h = rng.normal(0.0, 0.3, n)
    np.save(os.path.join(work, "J.npy"), j)
    np.save(os.path.join(work, "h.npy"), h)
    states = np.array([[1.0 if (t >> k) & 1 else -1.0 for k in range(n)] for t in range(1 << n)])
    energy = -0.5 * np.einsum("sk,kl,sl->s", states, j, states) - states @ h
    logw = -beta * energy
    top = logw.max()
    p = np.exp(logw - top)
    z = p.sum()
    p /= z
    log_z = top + np.log(z)
    mean = p @ states
    corr = states.T @ (states * p[:, None])
    common = ["--J", os.path.join(work, "J.npy"), "--h", os.path.join(work, "h.npy"), "--beta", str(beta),
              "--backend", "cpu"]
    out = os.path.join(work, "bm_exact")
    subprocess.run([cli, "bm", "exact", *common, "--out", out], check=True, capture_output=True)
    with open(os.path.join(out, "log_z.json")) as fh:
        got = json.load(fh)["log_z"]
    check("bm exact: log Z", abs(got - log_z) < 1e-11, f"{got:.14f} vs brute force {log_z:.14f}")
    err = max(np.abs(np.load(os.path.join(out, "mean.npy")) - mean).max(),
              np.abs(np.load(os.path.join(out, "corr.npy")) - corr).max())
    check("bm exact: moments", err < 1e-12, f"max deviation {err:.2e}")
    out = os.path.join(work, "bm_sample")
    subprocess.run([cli, "bm", "sample", *common, "--chains", "64", "--sweeps", "300", "--burn-in", "50",
                    "--seed", "2", "--out", out], check=True, capture_output=True)
    z = np.abs(np.load(os.path.join(out, "mean.npy")) - mean) / np.load(os.path.join(out, "stderr_mean.npy"))
    check("bm sample: means", z.max() < 5.0, f"largest |z| {z.max():.2f} over {n} spins")


def mixture_average_log_likelihood(x, w, mu, cov):
    logs = np.stack([np.log(w[k]) + multivariate_normal(mu[k], cov[k]).logpdf(x)
                     for k in range(len(w))], axis=1)
    m = logs.max(axis=1, keepdims=True)
    per_point = (m + np.log(np.exp(logs - m).sum(axis=1, keepdims=True)))[:, 0]
    return per_point.mean(), per_point


def mixture(cli, work):
    from sklearn.datasets import load_breast_cancer, load_digits
    from sklearn.decomposition import PCA
    from sklearn.mixture import GaussianMixture

    bc = load_breast_cancer().data
    sets = [("breast_cancer", (bc - bc.mean(0)) / bc.std(0), 3),
            ("digits_pca8", PCA(8, random_state=0).fit_transform(load_digits().data), 10)]
    for name, x, k in sets:
        xf = os.path.join(work, f"{name}.npy")
        np.save(xf, x)
        out = os.path.join(work, f"fit_{name}")
        subprocess.run([cli, "gaussian", "fit", "--x", xf, "--components", str(k), "--n-init",
                        "20", "--seed", "1", "--backend", "cpu", "--out", out], check=True)
        w, mu, cov = (np.load(os.path.join(out, f"{f}.npy")) for f in ("weights", "mean", "cov"))
        ours, per_point = mixture_average_log_likelihood(x, w, mu, cov)
        sk = GaussianMixture(k, covariance_type="full", n_init=20, random_state=0).fit(x)
        theirs = sk.score(x)
        check(f"mixture fit {name} K={k}", ours >= theirs - 1e-3,
              f"average log-likelihood ours {ours:.6f} vs scikit-learn best of 20 {theirs:.6f}")
        trace = np.loadtxt(os.path.join(out, "loglik.csv"), delimiter=",", skiprows=1, ndmin=2)
        check(f"mixture fit {name} trace", abs(trace[-1, 1] - ours) < 1e-9 * max(1, abs(ours)),
              f"last loglik.csv line {trace[-1, 1]:.12f} vs scipy {ours:.12f}")
        wf, mf, cf = (os.path.join(work, f"{f}.npy") for f in ("w", "m", "c"))
        np.save(wf, w), np.save(mf, mu), np.save(cf, cov)
        lo = os.path.join(work, f"loglik_{name}")
        subprocess.run([cli, "gaussian", "loglik", "--x", xf, "--mean", mf, "--cov", cf,
                        "--weights", wf, "--backend", "cpu", "--out", lo], check=True)
        mix = np.load(os.path.join(lo, "mix_logp.npy"))
        err = np.abs(mix - per_point).max()
        check(f"mixture loglik {name}", err < 1e-9 * max(1, np.abs(per_point).max()),
              f"max |mix_logp - scipy| = {err:.3g}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cli, parts = sys.argv[1], sys.argv[2:] or ["gaussian", "ising", "rbm", "bm", "mixture"]
    with tempfile.TemporaryDirectory() as work:
        for part in parts:
            {"gaussian": gaussian, "ising": ising, "rbm": rbm, "bm": bm,
             "mixture": mixture}[part](cli, work)
    print(f"{len(FAILURES)} failure(s)" + (": " + ", ".join(FAILURES) if FAILURES else ""))
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
