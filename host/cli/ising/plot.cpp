#include "plot.hpp"

#include <stdexcept>

#ifdef BOLTZKIT_HAVE_CAIRO
#include <cairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>
#endif

namespace boltzkit::cli {

#ifndef BOLTZKIT_HAVE_CAIRO

bool png_plots_available() { return false; }

void write_png_figure(const std::string& path, const PlotFigure&) {
  throw std::runtime_error("cannot write '" + path +
                           "': boltzkit was built without cairo (install libcairo2-dev)");
}

#else

namespace {

constexpr int panel_width = 520;
constexpr int panel_height = 450;
constexpr int title_height = 38;

struct Rgb {
  double r, g, b;
};
constexpr Rgb points_colour{0.12, 0.35, 0.70};
constexpr Rgb curve_colour{0.85, 0.33, 0.10};
constexpr Rgb grid_colour{0.90, 0.90, 0.90};
constexpr Rgb marker_colour{0.55, 0.55, 0.55};
constexpr Rgb text_colour{0.10, 0.10, 0.10};

void set_colour(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

void set_font(cairo_t* cr, double size, bool bold = false) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, const std::string& s) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  return e.x_advance;
}

/// Draws `s` with its reference point at (x, y); align 0 left, 0.5 centre, 1 right; the
/// baseline is moved down by `drop` × font size (0.35 centres digits vertically).
void draw_text(cairo_t* cr, const std::string& s, double x, double y, double align,
               double drop = 0.0) {
  cairo_font_extents_t fe;
  cairo_font_extents(cr, &fe);
  cairo_move_to(cr, x - align * text_width(cr, s), y + drop * fe.ascent);
  cairo_show_text(cr, s.c_str());
}

struct Range {
  double lo = 0, hi = 1;
};

/// Tick positions at 1, 2 or 5 × 10^k spacing, about `target` of them inside [lo, hi].
std::vector<double> nice_ticks(Range r, int target, double& step) {
  const double raw = (r.hi - r.lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double n = raw / magnitude;
  step = (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * magnitude;
  std::vector<double> ticks;
  const double first = std::ceil(r.lo / step - 1e-9);
  for (int i = 0; i < 100; ++i) {
    double t = (first + i) * step;
    if (t > r.hi + 1e-9 * step) break;
    if (std::fabs(t) < 1e-9 * step) t = 0;  // no "-0"
    ticks.push_back(t);
  }
  return ticks;
}

std::string tick_label(double v, double step) {
  char buffer[32];
  const double a = std::fabs(v);
  if ((a >= 1e5 || step < 1e-4) && v != 0) {
    std::snprintf(buffer, sizeof buffer, "%.3g", v);
  } else {
    const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  }
  return buffer;
}

/// y range covering the points with their error bars and the curve inside [xmin, xmax].
Range y_range(const PlotPanel& p, double xmin, double xmax) {
  double lo = INFINITY, hi = -INFINITY;
  auto take = [&](double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  };
  for (const mc::Estimate& e : p.y) {
    if (!std::isfinite(e.mean)) continue;
    const double err = std::isfinite(e.error) ? e.error : 0;
    take(e.mean - err);
    take(e.mean + err);
  }
  for (std::size_t i = 0; i < p.curve_x.size() && i < p.curve_y.size(); ++i)
    if (p.curve_x[i] >= xmin && p.curve_x[i] <= xmax) take(p.curve_y[i]);
  if (!(lo <= hi)) return {0, 1};
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
    const double pad = std::max(0.05, 0.1 * std::fabs(hi));
    return {lo - pad, hi + pad};
  }
  const double pad = 0.06 * (hi - lo);
  return {lo - pad, hi + pad};
}

class Panel {
 public:
  Panel(cairo_t* cr, const PlotFigure& fig, const PlotPanel& p, double x0, double y0)
      : cr_(cr), fig_(fig), p_(p) {
    left_ = x0 + 80;
    right_ = x0 + panel_width - 20;
    top_ = y0 + 36;
    bottom_ = y0 + panel_height - 58;
    title_x_ = x0 + panel_width / 2.0;
    title_y_ = y0 + 22;
    label_x_ = x0 + 18;
    yr_ = y_range(p, fig.xmin, fig.xmax);
  }

  void draw() {
    set_font(cr_, 15, true);
    set_colour(cr_, text_colour);
    draw_text(cr_, p_.title, title_x_, title_y_, 0.5);
    layout_legend();
    axes_and_grid();
    cairo_save(cr_);
    cairo_rectangle(cr_, left_, top_, right_ - left_, bottom_ - top_);
    cairo_clip(cr_);
    marker();
    curve();
    points();
    cairo_restore(cr_);
    cairo_set_line_width(cr_, 1.2);
    set_colour(cr_, text_colour);
    cairo_rectangle(cr_, std::round(left_) + 0.5, std::round(top_) + 0.5,
                    std::round(right_ - left_), std::round(bottom_ - top_));
    cairo_stroke(cr_);
    legend();
  }

 private:
  double px(double x) const {
    return left_ + (x - fig_.xmin) / (fig_.xmax - fig_.xmin) * (right_ - left_);
  }
  double py(double y) const {
    return bottom_ - (y - yr_.lo) / (yr_.hi - yr_.lo) * (bottom_ - top_);
  }

  void axes_and_grid() {
    double xstep = 0, ystep = 0;
    const std::vector<double> xt = nice_ticks({fig_.xmin, fig_.xmax}, 5, xstep);
    const std::vector<double> yt = nice_ticks(yr_, 6, ystep);
    cairo_set_line_width(cr_, 1);
    set_colour(cr_, grid_colour);
    for (double t : xt) {
      const double x = std::round(px(t)) + 0.5;
      cairo_move_to(cr_, x, top_);
      cairo_line_to(cr_, x, bottom_);
    }
    for (double t : yt) {
      const double y = std::round(py(t)) + 0.5;
      cairo_move_to(cr_, left_, y);
      cairo_line_to(cr_, right_, y);
    }
    cairo_stroke(cr_);
    set_colour(cr_, text_colour);
    for (double t : xt) {
      const double x = std::round(px(t)) + 0.5;
      cairo_move_to(cr_, x, bottom_);
      cairo_line_to(cr_, x, bottom_ + 5);
    }
    for (double t : yt) {
      const double y = std::round(py(t)) + 0.5;
      cairo_move_to(cr_, left_ - 5, y);
      cairo_line_to(cr_, left_, y);
    }
    cairo_stroke(cr_);
    set_font(cr_, 12);
    for (double t : xt) draw_text(cr_, tick_label(t, xstep), px(t), bottom_ + 19, 0.5);
    for (double t : yt) draw_text(cr_, tick_label(t, ystep), left_ - 8, py(t), 1.0, 0.35);
    set_font(cr_, 14);
    draw_text(cr_, fig_.xlabel, (left_ + right_) / 2, bottom_ + 42, 0.5);
    cairo_save(cr_);
    cairo_translate(cr_, label_x_, (top_ + bottom_) / 2);
    cairo_rotate(cr_, -M_PI / 2);
    draw_text(cr_, p_.ylabel, 0, 0, 0.5, 0.35);
    cairo_restore(cr_);
  }

  void marker() {
    const double m = fig_.marker_x;
    if (!std::isfinite(m) || m < fig_.xmin || m > fig_.xmax) return;
    const double x = std::round(px(m)) + 0.5;
    const double dash[] = {5, 4};
    cairo_save(cr_);
    cairo_set_dash(cr_, dash, 2, 0);
    cairo_set_line_width(cr_, 1);
    set_colour(cr_, marker_colour);
    cairo_move_to(cr_, x, top_);
    cairo_line_to(cr_, x, bottom_);
    cairo_stroke(cr_);
    cairo_restore(cr_);
    set_colour(cr_, marker_colour);
    set_font(cr_, 13);
    const double w = text_width(cr_, fig_.marker_label);
    draw_text(cr_, fig_.marker_label, x + 4, top_ + 15, 0);
    set_font(cr_, 9);
    draw_text(cr_, fig_.marker_subscript, x + 4 + w, top_ + 18, 0);
  }

  void curve() {
    if (p_.curve_x.empty()) return;
    set_colour(cr_, curve_colour);
    cairo_set_line_width(cr_, 2);
    cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
    bool pen_down = false;
    for (std::size_t i = 0; i < p_.curve_x.size() && i < p_.curve_y.size(); ++i) {
      const double y = p_.curve_y[i];
      if (!std::isfinite(y)) {
        pen_down = false;
        continue;
      }
      if (pen_down)
        cairo_line_to(cr_, px(p_.curve_x[i]), py(y));
      else
        cairo_move_to(cr_, px(p_.curve_x[i]), py(y));
      pen_down = true;
    }
    cairo_stroke(cr_);
  }

  /// A marker at pixel (x, y), with an error bar from pixel y0 to y1 when `bar`.
  void point(double x, double y, double y0, double y1, bool bar) {
    set_colour(cr_, points_colour);
    cairo_set_line_width(cr_, 1.3);
    if (bar) {
      cairo_move_to(cr_, x, y0);
      cairo_line_to(cr_, x, y1);
      cairo_move_to(cr_, x - 4, y0);
      cairo_line_to(cr_, x + 4, y0);
      cairo_move_to(cr_, x - 4, y1);
      cairo_line_to(cr_, x + 4, y1);
      cairo_stroke(cr_);
    }
    cairo_arc(cr_, x, y, 3.6, 0, 2 * M_PI);
    cairo_fill_preserve(cr_);
    cairo_set_source_rgb(cr_, 0.05, 0.15, 0.35);
    cairo_set_line_width(cr_, 0.8);
    cairo_stroke(cr_);
  }

  void points() {
    for (std::size_t i = 0; i < p_.x.size() && i < p_.y.size(); ++i)
      if (std::isfinite(p_.y[i].mean)) {
        const mc::Estimate& e = p_.y[i];
        const bool bar = std::isfinite(e.error) && e.error > 0;
        point(px(p_.x[i]), py(e.mean), py(e.mean - e.error), py(e.mean + e.error), bar);
      }
  }

  /// Legend size and place: top-right, top-left, bottom-right or bottom-left, whichever covers
  /// the fewest points and curve samples. When every corner covers some, the y range gets
  /// headroom so that a top corner is free. Also measures the marker label, which the legend
  /// must not hide. Runs before anything is drawn because it may change the y range.
  void layout_legend() {
    const double m = fig_.marker_x;
    if (std::isfinite(m) && m >= fig_.xmin && m <= fig_.xmax) {
      set_font(cr_, 13);
      double w = text_width(cr_, fig_.marker_label);
      set_font(cr_, 9);
      w += text_width(cr_, fig_.marker_subscript);
      const double x = std::round(px(m)) + 0.5;
      marker_box_ = {x, top_, x + 6 + w, top_ + 22};
    }
    with_curve_ = !p_.curve_x.empty() && !p_.curve_label.empty();
    set_font(cr_, 12);
    legend_w_ = 44 + std::max(text_width(cr_, p_.points_label),
                              with_curve_ ? text_width(cr_, p_.curve_label) : 0.0);
    legend_h_ = with_curve_ ? 46 : 26;
    int hits = place_legend(4);
    if (hits > 0) {
      const double avail = bottom_ - top_, need = legend_h_ + 22;
      yr_.hi = yr_.lo + (yr_.hi - yr_.lo) * avail / (avail - need);
      place_legend(2);
    }
  }

  /// Tries the first `corners` corners (top ones first); returns the hits of the best one.
  int place_legend(std::size_t corners) {
    const double w = legend_w_, h = legend_h_;
    const std::array<std::array<double, 2>, 4> at = {{{right_ - 8 - w, top_ + 8},
                                                      {left_ + 8, top_ + 8},
                                                      {right_ - 8 - w, bottom_ - 8 - h},
                                                      {left_ + 8, bottom_ - 8 - h}}};
    int best_hits = -1;
    for (std::size_t k = 0; k < corners; ++k) {
      const double bx = at[k][0], by = at[k][1];
      auto inside = [&](double x, double y) {
        return x >= bx - 6 && x <= bx + w + 6 && y >= by - 6 && y <= by + h + 6;
      };
      int hits = 0;
      for (std::size_t i = 0; i < p_.x.size() && i < p_.y.size(); ++i) {
        const mc::Estimate& e = p_.y[i];
        if (!std::isfinite(e.mean)) continue;
        const double err = std::isfinite(e.error) ? e.error : 0;
        for (double y : {e.mean - err, e.mean, e.mean + err})
          hits += inside(px(p_.x[i]), py(y)) ? 4 : 0;
      }
      for (std::size_t i = 0; i < p_.curve_x.size() && i < p_.curve_y.size(); ++i)
        if (std::isfinite(p_.curve_y[i]) && inside(px(p_.curve_x[i]), py(p_.curve_y[i]))) ++hits;
      const std::array<double, 4>& mb = marker_box_;
      if (mb[2] > mb[0] && mb[0] < bx + w && mb[2] > bx && mb[1] < by + h && mb[3] > by)
        hits += 1000;  // keep the marker's label readable
      if (best_hits < 0 || hits < best_hits) {
        best_hits = hits;
        legend_x_ = bx;
        legend_y_ = by;
      }
    }
    return best_hits;
  }

  void legend() {
    const double bx = legend_x_, by = legend_y_;
    cairo_rectangle(cr_, bx, by, legend_w_, legend_h_);
    cairo_set_source_rgba(cr_, 1, 1, 1, 0.9);
    cairo_fill_preserve(cr_);
    cairo_set_source_rgb(cr_, 0.75, 0.75, 0.75);
    cairo_set_line_width(cr_, 1);
    cairo_stroke(cr_);
    set_font(cr_, 12);
    const double sx = bx + 20;
    double row = by + 14;
    point(sx, row, row + 7, row - 7, true);
    set_colour(cr_, text_colour);
    draw_text(cr_, p_.points_label, bx + 36, row, 0, 0.35);
    if (with_curve_) {
      row += 20;
      set_colour(cr_, curve_colour);
      cairo_set_line_width(cr_, 2);
      cairo_move_to(cr_, sx - 12, row);
      cairo_line_to(cr_, sx + 12, row);
      cairo_stroke(cr_);
      set_colour(cr_, text_colour);
      draw_text(cr_, p_.curve_label, bx + 36, row, 0, 0.35);
    }
  }

  cairo_t* cr_;
  const PlotFigure& fig_;
  const PlotPanel& p_;
  double left_, right_, top_, bottom_, title_x_, title_y_, label_x_;
  Range yr_;
  std::array<double, 4> marker_box_{0, 0, 0, 0};  ///< x0, y0, x1, y1 of the marker label
  bool with_curve_ = false;
  double legend_x_ = 0, legend_y_ = 0, legend_w_ = 0, legend_h_ = 0;
};

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};

}  // namespace

bool png_plots_available() { return true; }

void write_png_figure(const std::string& path, const PlotFigure& figure) {
  PlotFigure fig = figure;
  if (!(fig.xmax > fig.xmin)) {  // a degenerate range: widen it around the one value
    const double pad = std::max(0.01, 0.05 * std::fabs(fig.xmin));
    fig.xmin -= pad;
    fig.xmax += pad;
  }
  const int panels = static_cast<int>(std::max<std::size_t>(1, fig.panels.size()));
  const int width = panel_width * panels, height = panel_height + title_height;
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
  std::unique_ptr<cairo_t, ContextDeleter> cr(cairo_create(surface.get()));
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error(std::string("cairo: ") +
                             cairo_status_to_string(cairo_status(cr.get())));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  set_font(cr.get(), 17, true);
  set_colour(cr.get(), text_colour);
  draw_text(cr.get(), fig.title, width / 2.0, 26, 0.5);
  for (std::size_t i = 0; i < fig.panels.size(); ++i)
    Panel(cr.get(), fig, fig.panels[i], static_cast<double>(i) * panel_width, title_height).draw();
  cairo_surface_flush(surface.get());

  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path staged = target.parent_path() / ("." + target.filename().string() + ".tmp");
  const cairo_status_t status = cairo_surface_write_to_png(surface.get(), staged.c_str());
  if (status != CAIRO_STATUS_SUCCESS) {
    std::error_code ec;
    fs::remove(staged, ec);
    throw std::runtime_error("cannot write '" + path + "': " + cairo_status_to_string(status));
  }
  std::error_code ec;
  fs::rename(staged, target, ec);
  if (ec) {
    fs::remove(staged, ec);
    throw std::runtime_error("cannot write '" + path + "': " + ec.message());
  }
}

#endif

}  // namespace boltzkit::cli
