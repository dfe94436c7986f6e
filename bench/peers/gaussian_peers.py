#!/usr/bin/env python3
"""Times the peers of boltzkit's batched Gaussian (log p + d/dmu + d/dSigma) on one GPU.

Peers, on the sizes of boltzkit_bench_gaussian (docs/ANCHORS.md):
  torch_mvn_autograd  torch.distributions.MultivariateNormal(mu, covariance_matrix=S,
                      validate_args=False).log_prob(x), then autograd of the sum w.r.t. mu and S
  torch_hand          cholesky_ex -> solve_triangular -> cholesky_inverse, gradients by the
                      closed forms of docs/MATH.md section 1: g = S^-1 d, dS = -1/2 (S^-1 - g g^T)
  jax_vmap            jit(vmap(value_and_grad(jax.scipy.stats.multivariate_normal.logpdf,
                      argnums=(1, 2)))), float64 with jax_enable_x64 in its own process

Inputs are random: S = A A^T / D + 0.5 I with A uniform in [-1, 1), mu uniform in [-1, 1),
x = mu + uniform in [-2, 2). Times are medians of repeated, warmed-up runs: PyTorch with
triton.testing.do_bench (return_mode="median") when Triton imports, else CUDA events (median of
20 after 3 warm-ups); JAX by wall clock around block_until_ready (median of 20 after warm-up).

A peer that is not installed or sees no GPU is reported and skipped; the script still exits 0.
Usage:
  python3 bench/peers/gaussian_peers.py --out peers.json     # all peers, all sizes
  python3 bench/peers/gaussian_peers.py --dry-run            # plan only, touches no GPU
  python3 bench/peers/gaussian_peers.py --peers torch --sizes 16:65536 --dtypes float32
"""

import argparse
import contextlib
import json
import math
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # peer_common beside this file
from peer_common import (  # noqa: E402
    deadline_of,
    dry_run_status,
    log,
    new_doc,
    parse_pairs,
    past,
    probe_torch,
    torch_timer,
    write_doc,
)

# (D, B) of the GPU benchmark: docs/ANCHORS.md's table, then the large-D path.
FP32_SIZES = [(4, 1048576), (8, 1048576), (16, 262144), (32, 65536), (64, 16384), (128, 4096),
              (256, 1024), (512, 256)]
FP64_SIZES = [(16, 65536), (64, 4096)]
LOG_2PI = math.log(2.0 * math.pi)
JAX_REPS = 20


def plan_cases(args):
    """[(dtype, D, B)] in run order."""
    cases = []
    dtypes = [d.strip() for d in args.dtypes.split(",") if d.strip()]
    for dt in dtypes:
        if dt not in ("float32", "float64"):
            raise SystemExit(f"unknown dtype {dt!r} (float32, float64)")
        if args.sizes:
            sizes = parse_pairs(args.sizes)
        else:
            sizes = FP32_SIZES if dt == "float32" else FP64_SIZES
        cases += [(dt, d, b) for d, b in sizes]
    return cases


# ----------------------------------------------------------------------------------------------
# PyTorch


def torch_inputs(torch, d, b, dtype, seed):
    gen = torch.Generator(device="cuda")
    gen.manual_seed(seed)
    dev = "cuda"

    def uniform(*shape):
        return torch.rand(*shape, generator=gen, device=dev, dtype=dtype) * 2 - 1

    a = uniform(b, d, d)
    s = a @ a.mT / d + 0.5 * torch.eye(d, device=dev, dtype=dtype)
    del a
    s = 0.5 * (s + s.mT)  # exactly symmetric
    mu = uniform(b, d)
    x = mu + 2 * uniform(b, d)
    return x, mu, s


def torch_mvn_autograd(torch, x, mu, s):
    from torch.distributions import MultivariateNormal  # noqa: PLC0415

    def fn():
        mu_ = mu.detach().requires_grad_(True)
        s_ = s.detach().requires_grad_(True)
        lp = MultivariateNormal(mu_, covariance_matrix=s_, validate_args=False).log_prob(x)
        g_mu, g_s = torch.autograd.grad(lp.sum(), (mu_, s_))
        return lp.detach(), g_mu, g_s

    return fn


def torch_hand(torch, x, mu, s):
    d = x.shape[-1]

    def fn():
        chol, _info = torch.linalg.cholesky_ex(s)  # no host sync on failure
        diff = (x - mu).unsqueeze(-1)  # (B, D, 1)
        z = torch.linalg.solve_triangular(chol, diff, upper=False)
        logdet_half = torch.log(torch.diagonal(chol, dim1=-2, dim2=-1)).sum(-1)
        lp = -0.5 * (z * z).sum((-2, -1)) - logdet_half - 0.5 * d * LOG_2PI
        g = torch.linalg.solve_triangular(chol.mT, z, upper=True)  # S^-1 d
        s_inv = torch.cholesky_inverse(chol)
        g_s = -0.5 * (s_inv - g @ g.mT)
        return lp, g.squeeze(-1), g_s

    return fn


def run_torch(torch, cases, seed, deadline=None):
    timed, timer = torch_timer(torch)
    results = []
    for dtype_name, d, b in cases:
        if past(deadline):
            for peer in ("torch_mvn_autograd", "torch_hand"):
                results.append(result(peer, dtype_name, d, b, None, "budget: not run"))
            continue
        dtype = torch.float32 if dtype_name == "float32" else torch.float64
        try:
            x, mu, s = torch_inputs(torch, d, b, dtype, seed + 1000 * d)
        except Exception as e:
            for peer in ("torch_mvn_autograd", "torch_hand"):
                results.append(result(peer, dtype_name, d, b, None, f"inputs: {e}"))
            torch.cuda.empty_cache()
            continue
        check = None
        for peer, make in (("torch_mvn_autograd", torch_mvn_autograd), ("torch_hand", torch_hand)):
            ms, err = None, None
            try:
                fn = make(torch, x, mu, s)
                ms = timed(fn)
                torch.cuda.synchronize()
            except Exception as e:  # OOM, a library refusing the batch size, ...
                err = f"{type(e).__name__}: {e}"
            results.append(result(peer, dtype_name, d, b, ms, err))
            log(f"  torch {peer:20s} {dtype_name} D={d:4d} B={b:8d}: "
                + (f"{ms:.3f} ms" if ms is not None else f"error {err}"))
        try:  # the two PyTorch versions agree (a sanity check of the hand-written one)
            n = min(b, 8)
            ref = torch_mvn_autograd(torch, x[:n], mu[:n], s[:n])()
            got = torch_hand(torch, x[:n], mu[:n], s[:n])()
            check = max(float((r - o).abs().max() / (1 + r.abs().max())) for r, o in zip(ref, got))
        except Exception as e:
            check = f"{type(e).__name__}: {e}"
        for r in results[-2:]:
            r["check_hand_vs_autograd"] = check
        del x, mu, s
        torch.cuda.empty_cache()
    return results, timer


# ----------------------------------------------------------------------------------------------
# JAX (run in a child process: jax_enable_x64 must be set before anything else touches JAX, and
# the child's exit returns all of its GPU memory)


def jax_worker(dtype_name, cases, seed):
    """Child process: prints JSON lines on stdout, a status line first, then one per case."""

    def emit(obj):
        print(json.dumps(obj), flush=True)

    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    if dtype_name == "float64":
        os.environ["JAX_ENABLE_X64"] = "1"  # read when jax is imported
    try:
        import jax  # noqa: PLC0415

        if dtype_name == "float64":
            jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp  # noqa: PLC0415
        from jax.scipy.stats import multivariate_normal  # noqa: PLC0415
    except Exception as e:
        emit({"kind": "status", "status": "skipped", "reason": f"jax not importable: {e}"})
        return
    status = {"kind": "status", "status": "ok", "version": jax.__version__}
    try:
        import jaxlib  # noqa: PLC0415

        status["jaxlib"] = getattr(jaxlib, "__version__", None)
    except Exception:
        pass
    try:
        gpus = jax.devices("gpu")
    except Exception as e:
        gpus = []
        status["reason"] = f"jax sees no GPU: {e}"
    if not gpus:
        status["status"] = "skipped"
        status.setdefault("reason", "jax sees no GPU")
        emit(status)
        return
    dev = gpus[0]
    status["device"] = getattr(dev, "device_kind", str(dev))
    emit(status)
    dtype = jnp.float32 if dtype_name == "float32" else jnp.float64
    f = jax.jit(jax.vmap(jax.value_and_grad(multivariate_normal.logpdf, argnums=(1, 2))))
    make_key = getattr(jax.random, "key", None) or jax.random.PRNGKey

    for d, b in cases:
        ms, err = None, None
        try:
            k1, k2, k3 = jax.random.split(make_key(seed + 1000 * d), 3)
            # jax.default_device is a function in older JAX and a config State (callable,
            # but with no truth value) in newer ones: test for None, never for truth.
            on_device = getattr(jax, "default_device", None)
            with on_device(dev) if on_device is not None else contextlib.nullcontext():
                a = jax.random.uniform(k1, (b, d, d), dtype, -1.0, 1.0)
                s = a @ jnp.swapaxes(a, -1, -2) / d + 0.5 * jnp.eye(d, dtype=dtype)
                s = 0.5 * (s + jnp.swapaxes(s, -1, -2))
                del a
                mu = jax.random.uniform(k2, (b, d), dtype, -1.0, 1.0)
                x = mu + 2 * jax.random.uniform(k3, (b, d), dtype, -1.0, 1.0)
                jax.block_until_ready((x, mu, s))
                if x.dtype != dtype:
                    raise RuntimeError(f"arrays are {x.dtype}, wanted {dtype_name} (x64 off?)")
                jax.block_until_ready(f(x, mu, s))  # compile
                for _ in range(3):
                    jax.block_until_ready(f(x, mu, s))
                times = []
                for _ in range(JAX_REPS):
                    t0 = time.perf_counter()
                    jax.block_until_ready(f(x, mu, s))
                    times.append((time.perf_counter() - t0) * 1e3)
                ms = statistics.median(times)
                del x, mu, s
        except Exception as e:
            err = f"{type(e).__name__}: {e}"
        emit(dict(kind="result", **result("jax_vmap", dtype_name, d, b, ms, err)))
        log(f"  jax   {'jax_vmap':20s} {dtype_name} D={d:4d} B={b:8d}: "
            + (f"{ms:.3f} ms" if ms is not None else f"error {err}"))


def run_jax(cases, seed, timeout_s):
    """Runs one child per dtype within timeout_s seconds in all. Returns (results, status)."""
    by_dtype = {}
    for dt, d, b in cases:
        by_dtype.setdefault(dt, []).append([d, b])
    results, statuses = [], {}
    deadline = time.monotonic() + timeout_s  # for all children together
    remaining = len(cases)
    for dt, sizes in by_dtype.items():
        # each child's share of the time left is proportional to its number of cases
        left = (deadline - time.monotonic()) * len(sizes) / max(remaining, 1)
        remaining -= len(sizes)
        if left < 5:
            results += [result("jax_vmap", dt, d, b, None, "budget: not run") for d, b in sizes]
            continue
        cmd = [sys.executable, os.path.abspath(__file__), "--jax-worker", "--dtypes", dt,
               "--worker-sizes", json.dumps(sizes), "--seed", str(seed)]
        env = dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false", PYTHONUNBUFFERED="1")
        timed_out = False
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=left, env=env)
            stdout, stderr, rc = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as e:
            def text(v):
                return v.decode(errors="replace") if isinstance(v, bytes) else (v or "")

            stdout, stderr, rc, timed_out = text(e.stdout), text(e.stderr), None, True
        if rc == 0:  # keep our progress lines, drop the libraries' chatter
            sys.stderr.write("".join(l + "\n" for l in stderr.splitlines() if "jax_vmap" in l))
        else:
            sys.stderr.write(stderr[-4000:])
        status, done = None, set()
        for line in stdout.splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            kind = obj.pop("kind", None)
            if kind == "status":
                status = obj
            elif kind == "result":
                results.append(obj)
                done.add((obj["D"], obj["B"]))
        why = "timeout" if timed_out else f"child exited {rc}"
        if status is None or status.get("status") != "skipped":
            for d, b in sizes:
                if (d, b) not in done:
                    results.append(result("jax_vmap", dt, d, b, None, why))
        if status is None:
            status = {"status": "error", "reason": f"jax {dt} child: {why} before reporting"}
        elif timed_out or rc != 0:
            status = dict(status, status="error", reason=f"jax {dt} child: {why}")
        statuses[dt] = status
        if status.get("status") == "skipped":
            break  # not importable / no GPU: the other dtype would say the same
    overall = {"status": "skipped", "reason": "no cases"}
    for st in statuses.values():
        if overall.get("status") != "ok":
            overall = {k: v for k, v in st.items()}
    overall["by_dtype"] = statuses
    return results, overall


# ----------------------------------------------------------------------------------------------


def result(peer, dtype, d, b, ms, error):
    return {"peer": peer, "dtype": dtype, "D": d, "B": b, "ms": ms, "error": error}


def print_table(results):
    rows = {}
    for r in results:
        rows.setdefault((r["dtype"], r["D"], r["B"]), {})[r["peer"]] = r
    peers = ["torch_mvn_autograd", "torch_hand", "jax_vmap"]
    print("| dtype | D | B | " + " | ".join(f"{p} ms" for p in peers) + " |")
    print("|---|---|---|" + "---|" * len(peers))
    for (dt, d, b), by_peer in rows.items():
        cells = []
        for p in peers:
            r = by_peer.get(p)
            if r is None:
                cells.append("—")
            elif r["ms"] is None:
                cells.append("error")
            else:
                cells.append(f"{r['ms']:.3f}")
        print(f"| {dt} | {d} | {b:,} | " + " | ".join(cells) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="write the JSON results here")
    ap.add_argument("--peers", default="torch,jax", help="comma list of torch, jax")
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument("--sizes", help="D:B,... for every dtype (default: the benchmark's sizes)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--jax-timeout", type=float, default=300.0,
                    help="seconds for the JAX children together")
    ap.add_argument("--budget-s", type=float, default=None,
                    help="overall time budget: cases not started in time are reported as "
                         "'budget' errors (JAX gets at most 70%% of it when PyTorch runs too)")
    ap.add_argument("--dry-run", action="store_true", help="print the plan; touch no GPU")
    ap.add_argument("--jax-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--worker-sizes", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.jax_worker:
        jax_worker(args.dtypes, [tuple(s) for s in json.loads(args.worker_sizes)], args.seed)
        return 0

    peers = {p.strip() for p in args.peers.split(",") if p.strip()}
    unknown = peers - {"torch", "jax"}
    if unknown:
        raise SystemExit(f"unknown peers {sorted(unknown)} (torch, jax)")
    cases = plan_cases(args)
    doc = new_doc("boltzkit-peers-gaussian/1")
    doc.update({
        "timers": {"jax": f"wall clock around block_until_ready, median of {JAX_REPS}"},
        "inputs": "S = A A^T/D + 0.5 I, A ~ U[-1,1); mu ~ U[-1,1); x = mu + U[-2,2)",
        "peers": {},
        "results": [],
    })
    log(f"gaussian_peers: {len(cases)} cases: "
        + ", ".join(f"fp{dt[-2:]} D={d} B={b}" for dt, d, b in cases))

    if args.dry_run:
        for name in ("torch", "jax", "triton"):
            doc["peers"][name] = dry_run_status(name)
            log(f"  {name}: {doc['peers'][name]}")
        doc["dry_run"] = True
        print_table(doc["results"])
    else:
        deadline = deadline_of(args.budget_s)
        if "jax" in peers:
            jax_timeout = args.jax_timeout
            if deadline is not None:
                share = 0.7 if "torch" in peers else 1.0  # JAX compiles every case: slower
                jax_timeout = max(10.0, min(jax_timeout, share * (deadline - time.monotonic())))
            res, status = run_jax(cases, args.seed, jax_timeout)
            doc["results"] += res
            doc["peers"]["jax"] = status
            doc["versions"]["jax"] = status.get("version")
            doc["versions"]["jaxlib"] = status.get("jaxlib")
            doc["device"] = doc["device"] or status.get("device")
            log(f"jax: {status.get('status')} {status.get('reason', '')}")
        if "torch" in peers:
            torch, status = probe_torch()
            doc["versions"]["torch"] = status.get("version")
            if torch is not None:
                try:
                    import triton  # noqa: PLC0415

                    doc["versions"]["triton"] = triton.__version__
                except Exception:
                    doc["versions"]["triton"] = None
                res, timer = run_torch(torch, cases, args.seed, deadline)
                doc["results"] += res
                doc["timers"]["torch"] = timer
                doc["device"] = status.get("device") or doc["device"]
            doc["peers"]["torch"] = status
            log(f"torch: {status.get('status')} {status.get('reason', '')}")
        print_table(doc["results"])

    write_doc(args.out, doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
