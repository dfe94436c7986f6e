"""Helpers shared by the peer scripts (gaussian_peers.py, ising_peers.py).

Those scripts run as `python3 bench/peers/<name>.py` and put their own folder first on sys.path,
so `import peer_common` finds this file wherever they are started from.

What is here: stderr logging, "a:b,..." size lists, the commit of the checkout, the PyTorch probe,
CUDA-event timing (and triton.testing.do_bench when Triton imports), the time budget, the JSON
document's common head and writing it.
"""

import datetime
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time

EVENT_REPS = 20


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def parse_pairs(text):
    """'a:b,c:d' -> [(a, b), (c, d)] (ints; empty items are ignored)."""
    pairs = []
    for item in text.split(","):
        item = item.strip()
        if item:
            a, b = item.split(":")
            pairs.append((int(a), int(b)))
    return pairs


def commit_of_checkout():
    env = os.environ.get("BOLTZKIT_COMMIT")
    if env:
        return env
    try:
        here = os.path.dirname(os.path.abspath(__file__))
        out = subprocess.run(["git", "-C", here, "describe", "--always", "--dirty", "--abbrev=12"],
                             capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return "unknown"


def new_doc(schema):
    """The head every peer JSON document starts with; the caller adds its own fields after it."""
    return {
        "schema": schema,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "commit": commit_of_checkout(),
        "python": platform.python_version(),
        "device": None,
        "versions": {},
    }


def write_doc(path, doc):
    """Writes `doc` as indented JSON to `path` (creating its folder) and says so on stderr;
    nothing without a path (no --out)."""
    if not path:
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=2)
    log(f"wrote {path}")


def dry_run_status(module, with_version=False):
    """Status of `module` for a dry run: importable (optionally with its version) or skipped."""
    try:
        mod = __import__(module)
        status = {"status": "importable (dry run)"}
        if with_version:
            status["version"] = mod.__version__
        return status
    except Exception as e:
        return {"status": "skipped", "reason": f"{module} not importable: {e}"}


# ----------------------------------------------------------------------------------------------
# Time budget


def deadline_of(budget_s):
    """The monotonic deadline of a --budget-s value, or None without a budget."""
    return time.monotonic() + budget_s if budget_s else None


def past(deadline):
    return deadline is not None and time.monotonic() > deadline


# ----------------------------------------------------------------------------------------------
# PyTorch


def probe_torch():
    """(module or None, status dict)."""
    try:
        import torch  # noqa: PLC0415
    except Exception as e:  # ImportError, or a broken install
        return None, {"status": "skipped", "reason": f"torch not importable: {e}"}
    status = {"version": torch.__version__}
    if not torch.cuda.is_available():
        status.update(status="skipped", reason="torch sees no CUDA device")
        return None, status
    status.update(status="ok", device=torch.cuda.get_device_name(0))
    return torch, status


def event_ms(torch, fn):
    """Milliseconds of fn() between two CUDA events on the current stream (waits for the end)."""
    start = torch.cuda.Event(enable_timing=True)
    stop = torch.cuda.Event(enable_timing=True)
    start.record()
    fn()
    stop.record()
    stop.synchronize()
    return start.elapsed_time(stop)


def torch_timer(torch):
    """(callable(fn) -> median ms, description): triton.testing.do_bench when Triton imports,
    else CUDA events (median of EVENT_REPS after 3 warm-ups)."""
    try:
        from triton.testing import do_bench  # noqa: PLC0415

        def timed(fn):
            try:
                return float(do_bench(fn, warmup=25, rep=100, return_mode="median"))
            except TypeError:  # older Triton: no return_mode
                return float(do_bench(fn, warmup=25, rep=100, quantiles=[0.5])[0])

        return timed, "triton.testing.do_bench(warmup=25, rep=100, median)"
    except Exception:  # no Triton: plain CUDA events
        pass

    def timed(fn):
        for _ in range(3):
            fn()
        torch.cuda.synchronize()
        return statistics.median([event_ms(torch, fn) for _ in range(EVENT_REPS)])

    return timed, f"CUDA events, median of {EVENT_REPS} after 3 warm-ups"
