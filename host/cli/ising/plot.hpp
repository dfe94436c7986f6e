#pragma once
// A small PNG figure for `boltzkit ising scan`: side-by-side panels, each with Monte Carlo
// points and error bars, an optional exact curve, tick-labelled axes and a legend. Drawn with
// cairo when the CLI was built with it (BOLTZKIT_HAVE_CAIRO); otherwise png_plots_available()
// is false and write_png_figure throws.
#include <limits>
#include <string>
#include <vector>

#include "boltzkit/mc_statistics.hpp"

namespace boltzkit::cli {

struct PlotPanel {
  std::string title;   ///< above the panel
  std::string ylabel;  ///< along the y axis
  std::vector<double> x;
  std::vector<mc::Estimate> y;  ///< Monte Carlo points with error bars
  std::string points_label;
  std::vector<double> curve_x, curve_y;  ///< exact curve (empty: none); non-finite y breaks it
  std::string curve_label;
};

struct PlotFigure {
  std::string title;
  std::string xlabel;
  double xmin = 0, xmax = 1;
  /// A dashed vertical line (e.g. at beta_c) when finite and inside [xmin, xmax].
  double marker_x = std::numeric_limits<double>::quiet_NaN();
  std::string marker_label, marker_subscript;  ///< e.g. "β" and "c"
  std::vector<PlotPanel> panels;
};

/// True when this build can write PNG files.
bool png_plots_available();

/// Renders `figure` and writes it to `path` (through a temporary file in the same directory,
/// renamed into place). Throws std::runtime_error on failure or without cairo.
void write_png_figure(const std::string& path, const PlotFigure& figure);

}  // namespace boltzkit::cli
