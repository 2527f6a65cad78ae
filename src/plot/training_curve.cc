#include "wembed/plot/training_curve.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/buffered_reader.h"
#include "plot/canvas.h"
#include "plot/label_layout.h"

namespace wembed {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Number(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : kNaN;
}

StatusOr<TrainingLogPoint> ParseLogLine(std::string_view line,
                                        const std::string& where) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption(where + " is not a JSON object");
  }
  TrainingLogPoint p;
  p.words = Number(j, "words");
  if (!std::isfinite(p.words)) {
    return Status::Corruption(where + " has no number \"words\"");
  }
  p.words_total = Number(j, "words_total");
  p.epoch = Number(j, "epoch");
  p.epochs = Number(j, "epochs");
  p.elapsed = Number(j, "elapsed");
  p.words_per_second = Number(j, "words_per_second");
  p.loss = Number(j, "loss");
  p.learning_rate = Number(j, "learning_rate");
  return p;
}

// Axis ticks at 1, 2 or 5 times a power of ten, about `count` of them,
// covering [lo, hi]; with `widen`, lo and hi become the outer ticks, else
// the ticks stay inside [lo, hi].
std::vector<double> NiceTicks(double* lo, double* hi, int count,
                              bool widen = true) {
  if (!(*hi > *lo)) *hi = *lo + (*lo == 0 ? 1 : std::abs(*lo) * 0.1);
  const double raw = (*hi - *lo) / count;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  const double first = std::floor(*lo / step + 1e-9) * step;
  const double last = std::ceil(*hi / step - 1e-9) * step;
  if (widen) *lo = first, *hi = last;
  std::vector<double> ticks;
  for (double t = first; t <= *hi + step * 1e-6; t += step) {
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

// 1234567 -> "1.2M", 35000 -> "35k".
std::string FormatWords(double n) {
  char buf[32];
  const char* unit = "";
  double v = n;
  if (std::abs(n) >= 1e9) {
    v = n / 1e9, unit = "G";
  } else if (std::abs(n) >= 1e6) {
    v = n / 1e6, unit = "M";
  } else if (std::abs(n) >= 1e3) {
    v = n / 1e3, unit = "k";
  }
  std::snprintf(buf, sizeof(buf), "%g%s", std::round(v * 100) / 100, unit);
  return buf;
}

std::string FormatValue(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", std::abs(v) < 1e-12 ? 0.0 : v);
  return buf;
}

// A value range mapped onto [p0, p1] of the canvas.
struct Scale {
  double lo = 0, hi = 1, p0 = 0, p1 = 1;
  double operator()(double v) const {
    return p0 + (v - lo) / (hi - lo) * (p1 - p0);
  }
};

struct Series {
  double TrainingLogPoint::*field;
  Scale y;
  Color color;
};

void DrawSeries(Canvas& c, const std::vector<TrainingLogPoint>& pts,
                const Scale& x, const Series& s) {
  cairo_t* cr = c.cr();
  cairo_new_path(cr);
  size_t drawn = 0;
  for (const TrainingLogPoint& p : pts) {
    const double v = p.*s.field;
    if (!std::isfinite(v)) continue;
    cairo_line_to(cr, x(p.words), s.y(v));
    ++drawn;
  }
  cairo_set_source_rgb(cr, s.color.r, s.color.g, s.color.b);
  cairo_set_line_width(cr, 2.2);
  cairo_stroke(cr);
  if (drawn <= 2) {  // too few points for a visible line
    for (const TrainingLogPoint& p : pts) {
      if (std::isfinite(p.*s.field)) {
        c.Dot(x(p.words), s.y(p.*s.field), 3.5, s.color, s.color);
      }
    }
  }
}

// The range of `field` over the points (NaN skipped); [0, 1] if none.
void Range(const std::vector<TrainingLogPoint>& pts,
           double TrainingLogPoint::*field, double* lo, double* hi) {
  *lo = std::numeric_limits<double>::infinity();
  *hi = -*lo;
  for (const TrainingLogPoint& p : pts) {
    if (!std::isfinite(p.*field)) continue;
    *lo = std::min(*lo, p.*field);
    *hi = std::max(*hi, p.*field);
  }
  if (*lo > *hi) *lo = 0, *hi = 1;
}

// Grid, epoch boundaries and the x axis.
void DrawXAxis(Canvas& c, const Box& area, const Scale& x,
               const std::vector<double>& ticks, const TrainingLogPoint& last) {
  c.SetFont(12);
  for (double t : ticks) {
    c.Line(x(t), area.y0, x(t), area.y1, palette::kGrid, 1);
    c.Text(x(t), area.y1 + 18, FormatWords(t), palette::kMuted, Align::kCenter);
  }
  const int epochs = std::isfinite(last.epochs) ? int(last.epochs) : 0;
  for (int e = 1; e < epochs && std::isfinite(last.words_total); ++e) {
    const double at = last.words_total * e / epochs;
    if (at > x.hi) break;
    c.Line(x(at), area.y0, x(at), area.y1, Color{0.7, 0.72, 0.76}, 1, true);
    c.Text(x(at) + 4, area.y0 + 14, "epoch " + std::to_string(e + 1),
           palette::kMuted);
  }
  c.SetFont(13);
  c.Text((area.x0 + area.x1) / 2, area.y1 + 40, "words processed",
         palette::kText, Align::kCenter);
}

// A y axis at x = `at`, labels on its left (left) or right side.
void DrawYAxis(Canvas& c, const Box& area, const Scale& y,
               const std::vector<double>& ticks, bool left,
               const std::string& name, Color color) {
  c.SetFont(12);
  const double x = left ? area.x0 : area.x1;
  for (double t : ticks) {
    if (left) c.Line(area.x0, y(t), area.x1, y(t), palette::kGrid, 1);
    c.Text(left ? x - 8 : x + 8, y(t) + 4, FormatValue(t), color,
           left ? Align::kRight : Align::kLeft);
  }
  c.SetFont(13, true);
  c.VerticalText(left ? x - 62 : x + 70, (area.y0 + area.y1) / 2, name, color);
}

void DrawHeader(Canvas& c, const TrainingCurveOptions& o,
                const std::vector<TrainingLogPoint>& pts) {
  c.SetFont(22, true);
  c.Text(24, 38, o.title, palette::kText);
  const TrainingLogPoint& last = pts.back();
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%zu progress lines, %s words in %.0f s",
                pts.size(), FormatWords(last.words).c_str(),
                std::isfinite(last.elapsed) ? last.elapsed : 0.0);
  std::string sub = buf;
  if (!o.subtitle.empty()) sub += "  \u00b7  " + o.subtitle;
  c.SetFont(13);
  c.Text(24, 60, sub, palette::kMuted);
}

void DrawLegend(Canvas& c, const Box& area) {
  const struct {
    const char* text;
    Color color;
  } items[] = {{"loss (mean per word pair)", palette::kBlue},
               {"learning rate", palette::kOrange}};
  c.SetFont(13);
  double x = area.x1 - 12;
  for (int i = 1; i >= 0; --i) {
    const double w = c.Measure(items[i].text).width;
    x -= w;
    c.Text(x, area.y0 - 10, items[i].text, palette::kText);
    c.Line(x - 30, area.y0 - 15, x - 6, area.y0 - 15, items[i].color, 3);
    x -= 48;
  }
}

}  // namespace

StatusOr<std::vector<TrainingLogPoint>> ReadTrainingLog(const std::string& path,
                                                        const Env& env) {
  StatusOr<std::unique_ptr<BufferedReader>> in =
      BufferedReader::Open(path, env);
  if (!in.ok()) return in.status();
  std::vector<TrainingLogPoint> points;
  std::string_view line;
  while (true) {
    StatusOr<bool> more = (*in)->NextLine(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    StatusOr<TrainingLogPoint> p = ParseLogLine(
        line, path + ": line " + std::to_string((*in)->line_number()));
    if (!p.ok()) return p.status();
    points.push_back(*p);
  }
  if (points.empty()) {
    return Status::InvalidArgument(
        path + ": no progress lines (a log gets one per second of training)");
  }
  return points;
}

Status DrawTrainingCurve(const std::vector<TrainingLogPoint>& pts,
                         const TrainingCurveOptions& o, const std::string& path,
                         const Env& env) {
  if (pts.empty()) return Status::InvalidArgument("no training points");
  StatusOr<std::unique_ptr<Canvas>> canvas =
      Canvas::Create(path, o.width, o.height, env);
  if (!canvas.ok()) return canvas.status();
  Canvas& c = **canvas;
  const Box area{96, 100, o.width - 104, o.height - 62};
  Scale x{0, pts.back().words, area.x0, area.x1};
  const std::vector<double> xt = NiceTicks(&x.lo, &x.hi, 6, /*widen=*/false);
  Series loss{
      &TrainingLogPoint::loss, {0, 1, area.y1, area.y0}, palette::kBlue};
  Series lr{&TrainingLogPoint::learning_rate,
            {0, 1, area.y1, area.y0},
            palette::kOrange};
  Range(pts, loss.field, &loss.y.lo, &loss.y.hi);
  Range(pts, lr.field, &lr.y.lo, &lr.y.hi);
  lr.y.lo = 0;
  const std::vector<double> lt = NiceTicks(&loss.y.lo, &loss.y.hi, 5);
  const std::vector<double> rt = NiceTicks(&lr.y.lo, &lr.y.hi, 5);
  c.Rect(area.x0, area.y0, area.x1 - area.x0, area.y1 - area.y0,
         Color{0.975, 0.978, 0.985});
  DrawHeader(c, o, pts);
  DrawYAxis(c, area, loss.y, lt, true, "loss", palette::kBlue);
  DrawYAxis(c, area, lr.y, rt, false, "learning rate", palette::kOrange);
  DrawXAxis(c, area, x, xt, pts.back());
  DrawSeries(c, pts, x, lr);
  DrawSeries(c, pts, x, loss);
  DrawLegend(c, area);
  return c.Finish();
}

}  // namespace wembed
