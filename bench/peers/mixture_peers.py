#!/usr/bin/env python3
"""Peers of boltzkit_bench_mixture on the same sizes (docs/ANCHORS.md, issue 12):

  single   log N(x | μ, Σ) + score + summed ∂ℓ/∂Σ of one Gaussian, by hand (Cholesky, triangular
           solve, GEMMs): numpy float64 on the CPU; PyTorch float32 on the GPU
  estep    mixture log-likelihood + responsibilities of K components: numpy (CPU) / PyTorch (GPU)
  em_iter  one EM iteration: scikit-learn GaussianMixture(max_iter=1, given init) on the CPU,
           and the E-step + M-step by hand in PyTorch on the GPU
  sklearn_em_iter  one EM iteration of scikit-learn at the GPU case's size (D = 32,
           N = 262,144, K = 64; same recipe of data as the GPU peers and boltzkit_bench_mixture):
           GaussianMixture._e_step + _m_step from a given start, float64 on the CPU, so one
           iteration exactly (fit(max_iter=1) adds an initial M-step and a final E-step). Runs
           last, after the GPU peers, while the budget lasts; --no-large skips it.

CPU sizes are boltzkit_bench_mixture's mixture/cpu/* cases, GPU sizes its mixture/gpu/* cases.
Median wall time (CPU: perf_counter, GPU: CUDA events via peer_common); on the CPU also the
median process CPU time (cpu_ms), robust to a loaded machine when run single-threaded. Always exits 0; a
missing numpy/scikit-learn/torch is reported, not fatal. --dry-run only says what it would do.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import (deadline_of, dry_run_status, log, new_doc, past, probe_torch,  # noqa: E402
                         torch_timer, write_doc)

CPU_CASES = [("single", 65536, 16, 1), ("estep", 16384, 8, 8), ("em_iter", 16384, 8, 8)]
GPU_CASES = [("single", 4194304, 16, 1), ("single", 1048576, 64, 1), ("single", 262144, 256, 1),
             ("estep", 262144, 32, 64), ("em_iter", 262144, 32, 64)]
LARGE_EM_CASE = (262144, 32, 64)  # the GPU em_iter case, scikit-learn on the CPU


def data(xp, n, d, k, rng, dtype):
    mean = 3 * rng.standard_normal((k, d))
    cov = xp.eye(d) + 0.1 * (xp.eye(d, k=1) + xp.eye(d, k=-1))
    x = mean[xp.arange(n) % k] + rng.standard_normal((n, d))
    return x.astype(dtype), mean.astype(dtype), xp.broadcast_to(cov, (k, d, d)).astype(dtype)


def numpy_single(np, x, mu, cov):
    import scipy.linalg as sl
    lo = np.linalg.cholesky(cov)
    d = x - mu
    z = sl.solve_triangular(lo, d.T, lower=True)
    logp = -0.5 * (z * z).sum(0) - np.log(np.diag(lo)).sum() - 0.5 * x.shape[1] * np.log(2 * np.pi)
    g = sl.solve_triangular(lo.T, z, lower=False).T  # Σ⁻¹ d
    prec = np.linalg.inv(cov)
    grad_cov = 0.5 * (g.T @ g - len(x) * prec)
    return logp, -g, grad_cov


def numpy_estep(np, x, mu, cov, w):
    logs = []
    for k in range(len(w)):
        lo = np.linalg.cholesky(cov[k])
        z = np.linalg.solve(lo, (x - mu[k]).T)
        logs.append(np.log(w[k]) - 0.5 * (z * z).sum(0) - np.log(np.diag(lo)).sum()
                    - 0.5 * x.shape[1] * np.log(2 * np.pi))
    a = np.stack(logs, 1)
    m = a.max(1, keepdims=True)
    total = m + np.log(np.exp(a - m).sum(1, keepdims=True))
    return total[:, 0], np.exp(a - total)


def cpu_peers(args, doc, deadline):
    try:
        import numpy as np
    except Exception as e:
        doc["cpu"] = {"status": "skipped", "reason": f"numpy not importable: {e}"}
        return
    rng = np.random.default_rng(12)
    rows = []
    for kind, n, d, k in CPU_CASES:
        if past(deadline):
            break
        x, mu, cov = data(np, n, d, k, rng, np.float64)
        w = np.full(k, 1.0 / k)
        if kind == "single":
            fn, peer = (lambda: numpy_single(np, x, mu[0], cov[0])), "numpy"
        elif kind == "estep":
            fn, peer = (lambda: numpy_estep(np, x, mu, cov, w)), "numpy"
        else:
            try:
                from sklearn.mixture import GaussianMixture
            except Exception as e:
                rows.append({"case": kind, "status": "skipped", "reason": str(e)})
                continue
            prec = np.linalg.inv(cov)

            def fn():
                GaussianMixture(k, covariance_type="full", max_iter=1, tol=0, weights_init=w,
                                means_init=mu, precisions_init=prec).fit(x)
            peer = "scikit-learn"
        times, cpu = [], []
        for _ in range(args.reps):
            t, c = time.perf_counter(), time.process_time()
            fn()
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        # cpu_ms: process CPU time, the figure to compare on a loaded machine (run both sides
        # single-threaded: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1; boltzkit's "CPU" column)
        rows.append({"case": f"mixture/cpu/{kind}/D:{d}/N:{n}" + (f"/K:{k}" if kind != "single" else ""),
                     "peer": peer, "median_ms": 1e3 * statistics.median(times),
                     "cpu_ms": 1e3 * statistics.median(cpu)})
        log(f"{rows[-1]['case']} {peer}: {rows[-1]['median_ms']:.3f} ms wall, "
            f"{rows[-1]['cpu_ms']:.3f} ms CPU")
    doc["cpu"] = rows


def gpu_peers(args, doc, deadline):
    torch, status = probe_torch()
    doc["torch"] = status
    if torch is None:
        return
    timed, how = torch_timer(torch)
    doc["timer"] = how
    rows = []
    g = torch.Generator(device="cuda").manual_seed(12)
    for kind, n, d, k in GPU_CASES:
        if past(deadline):
            break
        mu = 3 * torch.randn(k, d, device="cuda", generator=g)
        cov = (torch.eye(d, device="cuda") + 0.1 * (torch.diag(torch.ones(d - 1, device="cuda"), 1)
               + torch.diag(torch.ones(d - 1, device="cuda"), -1))).expand(k, d, d).contiguous()
        x = mu[torch.arange(n, device="cuda") % k] + torch.randn(n, d, device="cuda", generator=g)
        w = torch.full((k,), 1.0 / k, device="cuda")
        c = -0.5 * d * torch.log(torch.tensor(2 * torch.pi, device="cuda"))

        def estep():
            lo = torch.linalg.cholesky(cov)
            z = torch.linalg.solve_triangular(lo, (x[None] - mu[:, None]).transpose(1, 2), upper=False)
            a = (torch.log(w)[:, None] - 0.5 * (z * z).sum(1)
                 - torch.log(torch.diagonal(lo, dim1=1, dim2=2)).sum(1)[:, None] + c)
            total = torch.logsumexp(a, 0)
            return total, torch.exp(a - total).T

        def single():
            lo = torch.linalg.cholesky(cov[0])
            dd = x - mu[0]
            z = torch.linalg.solve_triangular(lo, dd.T, upper=False)
            logp = -0.5 * (z * z).sum(0) - torch.log(torch.diagonal(lo)).sum() + c
            gg = torch.cholesky_solve(dd.T, lo).T
            grad_cov = 0.5 * (gg.T @ gg - n * torch.cholesky_inverse(lo))
            return logp, -gg, grad_cov

        def em_iter():
            _, r = estep()
            nk = r.sum(0) + 1e-10
            m = (r.T @ x) / nk[:, None]
            covs = torch.stack([((r[:, j, None] * (x - m[j])).T @ (x - m[j])) / nk[j] for j in range(k)])
            return nk / n, m, covs + 1e-6 * torch.eye(d, device="cuda")

        fn = {"single": single, "estep": estep, "em_iter": em_iter}[kind]
        try:
            ms = timed(fn)
            rows.append({"case": f"mixture/gpu/{kind}/D:{d}/N:{n}" + (f"/K:{k}" if kind != "single" else ""),
                         "peer": "torch", "dtype": "float32", "median_ms": ms})
            log(f"{rows[-1]['case']}: {ms:.3f} ms")
        except Exception as e:  # out of memory on a small device, for one
            rows.append({"case": kind, "status": "failed", "reason": str(e)[:200]})
        torch.cuda.empty_cache()
    doc["gpu"] = rows


def sklearn_em_iter(args, doc, deadline):
    """One EM iteration of scikit-learn's GaussianMixture at the GPU em_iter size: the E-step
    (log responsibilities) and the M-step (weights, means, covariances, precision Cholesky
    factors) from a given start, timed per repetition."""
    try:
        import numpy as np
        from sklearn.mixture import GaussianMixture
        from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky
    except Exception as e:
        doc["cpu_large"] = {"status": "skipped", "reason": f"numpy/scikit-learn: {e}"}
        return
    n, d, k = LARGE_EM_CASE
    rng = np.random.default_rng(12)
    x, mu, cov = data(np, n, d, k, rng, np.float64)
    gm = GaussianMixture(k, covariance_type="full", reg_covar=1e-6)
    gm.weights_, gm.means_, gm.covariances_ = np.full(k, 1.0 / k), mu.copy(), cov.copy()
    gm.precisions_cholesky_ = _compute_precision_cholesky(cov, "full")
    times, cpu = [], []
    for _ in range(max(1, min(args.reps, 3))):
        if past(deadline):
            break
        t, c = time.perf_counter(), time.process_time()
        _, log_resp = gm._e_step(x)
        gm._m_step(x, log_resp)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        gm.weights_, gm.means_, gm.covariances_ = np.full(k, 1.0 / k), mu.copy(), cov.copy()
        gm.precisions_cholesky_ = _compute_precision_cholesky(cov, "full")
    if not times:
        doc["cpu_large"] = {"status": "skipped", "reason": "no budget left"}
        return
    row = {"case": f"mixture/gpu/em_iter/D:{d}/N:{n}/K:{k}", "peer": "scikit-learn (CPU)",
           "dtype": "float64", "threads": os.cpu_count(), "reps": len(times),
           "median_ms": 1e3 * statistics.median(times), "cpu_ms": 1e3 * statistics.median(cpu)}
    doc["cpu_large"] = [row]
    log(f"{row['case']} scikit-learn one EM iteration (CPU): {row['median_ms']:.1f} ms wall, "
        f"{row['cpu_ms']:.1f} ms CPU")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="")
    ap.add_argument("--budget-s", type=float, default=300)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--no-gpu", action="store_true", help="only the CPU peers")
    ap.add_argument("--no-large", action="store_true",
                    help="skip scikit-learn's EM iteration at the GPU case's size")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    doc = new_doc("boltzkit-mixture-peers-1")
    if args.dry_run:
        doc["versions"] = {m: dry_run_status(m, True) for m in ("numpy", "sklearn", "torch")}
        print(doc)
        return
    deadline = deadline_of(args.budget_s)
    cpu_peers(args, doc, deadline)
    if not args.no_gpu:
        gpu_peers(args, doc, deadline)
    if not args.no_large:
        write_doc(args.out, doc)  # the figures so far survive a kill during the long case
        sklearn_em_iter(args, doc, deadline)
    write_doc(args.out, doc)


if __name__ == "__main__":
    main()
    sys.exit(0)
