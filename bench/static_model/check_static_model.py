#!/usr/bin/env python3
"""ctest for the static model: runs static_model.py on a built library into a scratch folder
(with a small made-up benchmark JSON for --compare) and checks that it prints the tables and
writes static_model.json / static_model.md with the documented schema. The numbers are not
checked; a row whose kernel no longer matches the model ("stale") passes with a warning.

  check_static_model.py LIBRARY SCRATCH_DIR [extra static_model.py options...]
"""

import json
import numbers
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

GAUSSIAN = ["gaussian/gpu/fp32/full/D:%d/B:%d" % c for c in
            ((4, 1048576), (8, 1048576), (16, 262144), (32, 65536), (64, 16384), (128, 4096))]
ISING = ["ising/gpu/packed/%s/L:%s/R:%d/beta:%s" % (a, l, r, b)
         for a in ("metropolis", "heat_bath")
         for l, r in (("128x128", 4096), ("16384x16384", 1), ("65536x65536", 1))
         for b in ("0.6666667", "0.4406868")]
BM = (["bm/gpu/heatbath/N:%d/C:%d/beta:1" % c for c in ((256, 4096), (1024, 4096), (4096, 1024))] +
      ["bm/gpu/heatbath/blocked/N:%d/C:4096/beta:1" % n for n in (256, 1024, 4096)] +
      ["bm/gpu/exact/N:%d" % n for n in (24, 26, 28, 30)])
# issue 12 (mixture_model.py): boltzkit_bench_mixture's GPU cases
MIXTURE = (["mixture/gpu/single/D:%d/N:%d" % c for c in ((16, 4194304), (64, 1048576),
                                                        (256, 262144))] +
           ["mixture/gpu/estep/D:32/N:262144/K:64", "mixture/gpu/em_iter/D:32/N:262144/K:64"])



def fail(msg):
    sys.stderr.write("check_static_model: FAIL: %s\n" % msg)
    sys.exit(1)


def is_number_or_null(v):
    return v is None or (isinstance(v, numbers.Real) and not isinstance(v, bool))


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    library, scratch = sys.argv[1], sys.argv[2]
    extra = sys.argv[3:]
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    measured = os.path.join(scratch, "measured.json")
    with open(measured, "w") as fh:
        json.dump({"context": {}, "benchmarks": [
            {"name": GAUSSIAN[0] + "/manual_time", "run_name": GAUSSIAN[0] + "/manual_time",
             "run_type": "iteration", "real_time": 0.5, "time_unit": "ms", "median_ms": 0.5},
            {"name": ISING[2] + "/manual_time", "run_name": ISING[2] + "/manual_time",
             "run_type": "iteration", "real_time": 100.0, "time_unit": "ms",
             "flips_per_ns": 1000.0}]}, fh)
    cmd = [sys.executable, os.path.join(HERE, "static_model.py"), library, "--out-dir", scratch,
           "--compare", measured] + extra
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        fail("static_model.py exited with %d" % proc.returncode)
    for header in ("| D | B | predicted ms | target ms |",
                   "| lattice | replicas | algorithm | T | predicted flips/ns |",
                   "| path | N | chains | sweeps/call | flip rate | predicted flips/ns |",
                   "| case | D | N | predicted ms | with TF32 GEMMs |",
                   "## Warp instructions per work unit", "## Predicted against measured"):
        if header not in proc.stdout:
            fail("the printed output lacks %r" % header)

    with open(os.path.join(scratch, "static_model.json")) as fh:
        rows = json.load(fh)
    if not isinstance(rows, list) or not rows:
        fail("static_model.json is not a non-empty list")
    cases = []
    stale = 0
    for r in rows:
        if not isinstance(r, dict):
            fail("row is not an object: %r" % (r,))
        for key in ("case", "kernel", "status"):
            if not isinstance(r.get(key), str):
                fail("row lacks string %r: %r" % (key, r))
        gaussian = "predicted_ms" in r or "target_ms" in r
        ising = "predicted_flips_per_ns" in r or "target_flips_per_ns" in r
        states = "predicted_states_per_s" in r or "target_states_per_s" in r
        if gaussian + ising + states != 1:
            fail("row must have one of predicted_ms/target_ms, predicted_flips_per_ns/"
                 "target_flips_per_ns, predicted_states_per_s/target_states_per_s: %s" % r["case"])
        pred, target = (("predicted_ms", "target_ms") if gaussian else
                        ("predicted_states_per_s", "target_states_per_s") if states else
                        ("predicted_flips_per_ns", "target_flips_per_ns"))
        if pred not in r or target not in r:
            fail("%s: needs both %s and %s" % (r["case"], pred, target))
        # A target may be null only with a target_note saying how it will be set (the EM
        # iteration: 10x a PyTorch figure still to be measured).
        target_ok = isinstance(r[target], numbers.Real) or (
            r[target] is None and isinstance(r.get("target_note"), str))
        if not is_number_or_null(r[pred]) or not target_ok:
            fail("%s: %s must be a number (or null when stale), %s a number (or null with a "
                 "target_note)" % (r["case"], pred, target))
        if r[pred] is None:
            stale += 1
            if r["status"] == "ok":
                fail("%s: no prediction but status ok" % r["case"])
        if gaussian and not is_number_or_null(r.get("pct_of_floor")):
            fail("%s: pct_of_floor must be a number or null" % r["case"])
        if not isinstance(r.get("kernels"), list) or not r["kernels"]:
            fail("%s: kernels must be a non-empty list" % r["case"])
        cases.append(r["case"])
    if sorted(cases) != sorted(GAUSSIAN + ISING + BM + MIXTURE):
        expected = set(GAUSSIAN + ISING + BM + MIXTURE)
        fail("cases differ from the benchmark cases: missing %s, extra %s"
             % (sorted(expected - set(cases)), sorted(set(cases) - expected)))
    with open(os.path.join(scratch, "static_model.md")) as fh:
        md = fh.read()
    if "| D | B | predicted ms" not in md or "## Loops and trip counts" not in md:
        fail("static_model.md lacks the tables")
    if stale:
        sys.stderr.write("check_static_model: WARNING: %d row(s) stale (the kernels changed; "
                         "update bench/static_model/models.py)\n" % stale)
    print("check_static_model: OK (%d rows, %d stale)" % (len(rows), stale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
