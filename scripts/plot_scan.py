#!/usr/bin/env python3
"""Draws the figure of `boltzkit ising scan` with matplotlib (Agg backend, no display needed).

Three panels against β: energy per spin, |m| and specific heat per spin, each with the Monte
Carlo points and their error bars from scan.csv and, when the scan's lattice is a square 2D one,
the exact curves from scan_exact.csv (Kaufman's finite-L energy and specific heat, Onsager's
infinite-lattice magnetization) and a dashed line at β_c.

`boltzkit ising scan` runs this script itself after writing its CSV files; it can also be run by
hand on a scan's directory:

    python3 scripts/plot_scan.py DIR/scan.csv                # writes DIR/scan.png
    python3 scripts/plot_scan.py DIR/scan.csv --out fig.png --title "my scan" --lattice 16x16

Exit status: 0 when the PNG was written, 3 when matplotlib cannot be imported (the caller may
treat that as "no plot here"), 1 on any other failure. The PNG appears under its final name only
when complete (written to a temporary file in the same directory, then renamed).
"""
import argparse
import csv
import math
import os
import sys

EXIT_NO_MATPLOTLIB = 3

POINTS_COLOUR = (0.12, 0.35, 0.70)
POINTS_EDGE = (0.05, 0.15, 0.35)
CURVE_COLOUR = (0.85, 0.33, 0.10)
MARKER_COLOUR = (0.55, 0.55, 0.55)

# (title, y label, CSV mean column, CSV error column, scan_exact.csv column, exact source)
PANELS = [
    ("Energy per spin", "e", "energy", "energy_err", "exact_energy", "kaufman"),
    ("Magnetization per spin", "|m|", "abs_m", "abs_m_err", "exact_m", "onsager"),
    ("Specific heat per spin", "c", "c", "c_err", "exact_c", "kaufman"),
]


def number(text):
    """A CSV cell as a float; an empty or unreadable cell is NaN."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


def read_columns(path, required):
    """The CSV file at `path` as {column name: list of floats}; `required` columns must exist."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
        header = rows[0].keys() if rows else []
    missing = [c for c in required if c not in header]
    if missing:
        raise ValueError("%s: missing column(s) %s" % (path, ", ".join(missing)))
    return {name: [number(r.get(name)) for r in rows] for name in header}


def default_xlim(betas):
    """The β range of the CLI's figure: the scan's range padded by 4 % (never below 0)."""
    finite = [b for b in betas if math.isfinite(b)]
    if not finite:
        return 0.0, 1.0
    lo, hi = min(finite), max(finite)
    pad = 0.04 * (hi - lo) if hi > lo else max(0.01, 0.05 * abs(lo))
    return max(0.0, lo - pad), hi + pad


def square_side(lattice):
    """L for a lattice written "LxL", else None."""
    parts = (lattice or "").lower().split("x")
    return parts[0] if len(parts) == 2 and parts[0] == parts[1] and parts[0].isdigit() else None


def make_room_for_legend(fig, ax, points, curve):
    """When the legend that matplotlib placed (loc="best") still covers a point, an error bar
    end or the curve, raises the top of the y axis by the legend's height, leaving a free band
    along the top of the panel for it."""
    legend = ax.get_legend()
    renderer = fig.canvas.get_renderer()
    box = legend.get_window_extent(renderer).expanded(1.05, 1.1)
    xy = [(x, y + d) for x, y, e in points for d in (-e, 0.0, e)]
    xy += [(x, y) for x, y in curve if math.isfinite(x) and math.isfinite(y)]
    if not xy or not any(box.contains(*p) for p in ax.transData.transform(xy)):
        return
    lo, hi = ax.get_ylim()
    axes_height = ax.get_window_extent(renderer).height
    need = (box.height * 1.15) / axes_height  # the legend and a margin, as a fraction
    ax.set_ylim(lo, lo + (hi - lo) / max(0.3, 1.0 - need))
    # loc="best" places the legend again when the figure is drawn, now into the free band.


def parse_args(argv):
    p = argparse.ArgumentParser(description="Plot the output of `boltzkit ising scan`.")
    p.add_argument("csv", help="scan.csv written by `boltzkit ising scan`")
    p.add_argument("--exact", help="exact curves (beta,exact_energy,exact_c,exact_m); default: "
                   "scan_exact.csv next to CSV when it exists")
    p.add_argument("--no-exact", action="store_true", help="draw no exact curves")
    p.add_argument("--out", help="PNG to write (default: scan.png next to CSV)")
    p.add_argument("--title", help="figure title")
    p.add_argument("--lattice", help="lattice size, e.g. 16x16, for the legends")
    p.add_argument("--beta-c", type=float, default=0.5 * math.log(1 + math.sqrt(2)),
                   help="where to draw the dashed β_c line when there are exact curves")
    p.add_argument("--xlim", type=float, nargs=2, metavar=("LO", "HI"),
                   help="β range (default: the scan's range padded by 4%%)")
    return p.parse_args(argv)


def plot(args, plt):
    scan_dir = os.path.dirname(os.path.abspath(args.csv))
    out = args.out or os.path.join(scan_dir, "scan.png")
    exact_path = None
    if not args.no_exact:
        exact_path = args.exact
        if exact_path is None and os.path.exists(os.path.join(scan_dir, "scan_exact.csv")):
            exact_path = os.path.join(scan_dir, "scan_exact.csv")

    columns = ["beta"] + [c for panel in PANELS for c in panel[2:4]]
    scan = read_columns(args.csv, columns)
    exact = None
    if exact_path:
        exact = read_columns(exact_path, ["beta"] + [panel[4] for panel in PANELS])
    xlim = tuple(args.xlim) if args.xlim else default_xlim(scan["beta"])
    if not xlim[1] > xlim[0]:
        pad = max(0.01, 0.05 * abs(xlim[0]))
        xlim = (xlim[0] - pad, xlim[1] + pad)

    lattice = args.lattice or ""
    side = square_side(lattice)
    points_label = ("MC " + lattice) if lattice else "MC"
    curve_labels = {
        "kaufman": "exact, L = %s (Kaufman)" % side if side else "exact (Kaufman)",
        "onsager": "exact, L = ∞ (Onsager)",
    }

    fig, axes = plt.subplots(1, len(PANELS), figsize=(15.6, 4.9), dpi=100)
    fig.suptitle(args.title or ("Ising scan " + lattice).strip(), fontweight="bold")
    panels = []
    for ax, (title, ylabel, mean_col, err_col, exact_col, source) in zip(axes, PANELS):
        xs, ys, errs = [], [], []
        for b, m, e in zip(scan["beta"], scan[mean_col], scan[err_col]):
            if math.isfinite(b) and math.isfinite(m):
                xs.append(b)
                ys.append(m)
                errs.append(e if math.isfinite(e) and e > 0 else 0.0)
        if exact is not None:
            # Non-finite values (NaN) break the line, as they should.
            ax.plot(exact["beta"], exact[exact_col], color=CURVE_COLOUR, linewidth=2,
                    label=curve_labels[source], zorder=2)
            if xlim[0] <= args.beta_c <= xlim[1]:
                ax.axvline(args.beta_c, color=MARKER_COLOUR, linestyle=(0, (5, 4)),
                           linewidth=1, label=r"$\beta_c$", zorder=1)
        ax.errorbar(xs, ys, yerr=errs, fmt="o", markersize=6, color=POINTS_COLOUR,
                    markeredgecolor=POINTS_EDGE, markeredgewidth=0.8, ecolor=POINTS_COLOUR,
                    elinewidth=1.3, capsize=4, label=points_label, zorder=3)
        ax.set_xlim(*xlim)
        ax.set_title(title, fontweight="bold")
        ax.set_xlabel("β")
        ax.set_ylabel(ylabel)
        ax.grid(True, color=(0.90, 0.90, 0.90), linewidth=1)
        ax.set_axisbelow(True)
        handles, labels = ax.get_legend_handles_labels()
        # Points first, then the exact curve, then β_c.
        order = sorted(range(len(labels)), key=lambda i: (labels[i] != points_label,
                                                           labels[i] == r"$\beta_c$"))
        ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="best",
                  framealpha=0.9, fontsize=9)
        panels.append((ax, list(zip(xs, ys, errs)),
                       list(zip(exact["beta"], exact[exact_col])) if exact is not None else []))
    fig.tight_layout()
    fig.canvas.draw()  # places the legends
    for ax, points, curve in panels:
        make_room_for_legend(fig, ax, points, curve)

    staged = os.path.join(os.path.dirname(os.path.abspath(out)),
                          "." + os.path.basename(out) + ".tmp")
    try:
        fig.savefig(staged, format="png")
        os.replace(staged, out)
    except BaseException:
        try:
            os.remove(staged)
        except OSError:
            pass
        raise
    finally:
        plt.close(fig)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        print("plot_scan.py: matplotlib is not installed for %s (%s); install it with "
              "`%s -m pip install matplotlib`" % (sys.executable, e, sys.executable),
              file=sys.stderr)
        return EXIT_NO_MATPLOTLIB
    try:
        plot(args, plt)
    except (OSError, ValueError) as e:
        print("plot_scan.py: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
