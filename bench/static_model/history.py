#!/usr/bin/env python3
"""Before -> after table of two static-model runs (bench/results/static_model.json files), one
row per benchmark case, for bench/results/static_model_history.md.

    python3 bench/static_model/history.py OLD.json NEW.json --title "..." [--note "..."]

prints a markdown section (append it to the history file by hand, newest first)."""
import argparse
import json


def figure(row):
    if row.get("predicted_ms") is not None:
        return row["predicted_ms"], "ms", row["target_ms"]
    if row.get("predicted_flips_per_ns") is not None:
        return row["predicted_flips_per_ns"], "flips/ns", row["target_flips_per_ns"]
    return None, "", None


def words_per_unit(row):
    unit = row.get("per_unit") or {}
    return unit.get("warp_instructions_total")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--title", required=True)
    ap.add_argument("--note", default="")
    args = ap.parse_args()
    old = {r["case"]: r for r in json.load(open(args.old))}
    new = json.load(open(args.new))
    lines = ["## " + args.title, ""]
    if args.note:
        lines += [args.note, ""]
    lines += ["| case | kernel before | kernel after | before | after | unit | target | x | "
              "warp instr./unit before -> after | bound before -> after |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in new:
        o = old.get(r["case"])
        if o is None:  # a case new in NEW: no before column
            a, unit, target = figure(r)
            if a is None:
                continue
            goal = ("%s %.4g" % ("<=" if unit == "ms" else ">=", target) if target is not None
                    else "to be measured")
            wa = words_per_unit(r)
            lines.append("| %s | (new case) | %s | - | %.4g | %s | %s | - | - -> %s | - -> %s |" % (
                r["case"], r["kernel"], a, unit, goal, "%.1f" % wa if wa else "-",
                r.get("bound", "-")))
            continue
        b, unit, target = figure(o)
        a, _, _ = figure(r)
        if a is None or b is None:
            continue
        ratio = (b / a) if unit == "ms" else (a / b)
        wb, wa = words_per_unit(o), words_per_unit(r)
        goal = ("%s %.4g" % ("<=" if unit == "ms" else ">=", target) if target is not None
                else "to be measured")
        lines.append("| %s | %s | %s | %.4g | %.4g | %s | %s | %.2f | %s -> %s | %s -> %s |" % (
            r["case"], o["kernel"], r["kernel"], b, a, unit, goal, ratio, "%.1f" % wb if wb else "-", "%.1f" % wa if wa else "-",
            o.get("bound", "-"), r.get("bound", "-")))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
