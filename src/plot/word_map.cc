#include "wembed/plot/word_map.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "plot/canvas.h"
#include "plot/label_layout.h"
#include "wembed/plot/pca.h"

namespace wembed {
namespace {

// What a drawn word is in the picture.
enum class Role { kA, kB, kC, kD, kWord, kNeighbor };

struct Scene {
  std::vector<int32_t> rows;
  std::vector<Role> roles;
  bool analogy = false;
  std::vector<double> target;  // unit(b) - unit(a) + unit(c)
  std::string target_label;    // "king − man + woman"
};

std::vector<double> UnitRow(const NearestNeighbors& nn, int32_t row) {
  const float* v = nn.unit_vector(row);
  return std::vector<double>(v, v + nn.dim());
}

void AddRow(Scene* s, int32_t row, Role role) {
  if (std::find(s->rows.begin(), s->rows.end(), row) != s->rows.end()) return;
  s->rows.push_back(row);
  s->roles.push_back(role);
}

// The analogy's four rows; d defaults to the nearest answer.
Status AddAnalogy(const NearestNeighbors& nn, const AnalogySpec& spec, Scene* s,
                  WordMapReport* report) {
  int32_t r[4] = {-1, -1, -1, -1};
  const std::string* words[4] = {&spec.a, &spec.b, &spec.c, &spec.d};
  for (int i = 0; i < 4; ++i) {
    if (words[i]->empty()) continue;
    r[i] = nn.Find(*words[i]);
    if (r[i] < 0) {
      return Status::InvalidArgument("--analogy: '" + *words[i] +
                                     "' is not in the vocabulary");
    }
  }
  const std::vector<Neighbor> best = nn.Analogy(r[0], r[1], r[2], 1);
  if (!best.empty()) {
    report->analogy_answer = nn.word(best[0].row);
    report->analogy_cosine = best[0].cosine;
    if (r[3] < 0) r[3] = best[0].row;
  }
  if (r[3] < 0) return Status::InvalidArgument("--analogy: no answer");
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < i; ++j) {
      if (r[i] == r[j]) {
        return Status::InvalidArgument(
            "--analogy: the four words must be different words");
      }
    }
  }
  const Role roles[4] = {Role::kA, Role::kB, Role::kC, Role::kD};
  for (int i = 0; i < 4; ++i) AddRow(s, r[i], roles[i]);
  std::vector<double> a = UnitRow(nn, r[0]), b = UnitRow(nn, r[1]),
                      c = UnitRow(nn, r[2]);
  s->target.resize(a.size());
  for (size_t j = 0; j < a.size(); ++j) s->target[j] = b[j] - a[j] + c[j];
  s->target_label =
      nn.word(r[1]) + " \u2212 " + nn.word(r[0]) + " + " + nn.word(r[2]);
  s->analogy = true;
  return Status::Ok();
}

StatusOr<Scene> BuildScene(const NearestNeighbors& nn, const WordMapOptions& o,
                           WordMapReport* report) {
  Scene s;
  if (o.analogy) WEMBED_RETURN_IF_ERROR(AddAnalogy(nn, *o.analogy, &s, report));
  for (const std::string& w : o.words) {
    const int32_t row = nn.Find(w);
    if (row < 0) {
      report->unknown.push_back(w);
    } else {
      AddRow(&s, row, Role::kWord);
    }
  }
  const size_t chosen = s.rows.size();
  for (size_t i = 0; i < chosen && o.neighbors > 0; ++i) {
    for (const Neighbor& n : nn.Similar(s.rows[i], o.neighbors)) {
      AddRow(&s, n.row, Role::kNeighbor);
    }
  }
  if (s.rows.size() < 3) {
    return Status::InvalidArgument(
        "a word map needs at least 3 words in the vocabulary, got " +
        std::to_string(s.rows.size()));
  }
  for (int32_t r : s.rows) report->words.push_back(nn.word(r));
  return s;
}

// Turns the plane so that a -> b points right (the analogy's offset is
// horizontal) and c is above a. Rotations and mirror images keep every
// distance and angle of the projection.
void Orient(std::vector<Point2>* pts) {
  std::vector<Point2>& p = *pts;
  const double angle = std::atan2(p[1][1] - p[0][1], p[1][0] - p[0][0]);
  const double c = std::cos(-angle), s = std::sin(-angle);
  for (Point2& q : p) q = {c * q[0] - s * q[1], s * q[0] + c * q[1]};
  if (p[2][1] < p[0][1]) {
    for (Point2& q : p) q[1] = -q[1];
  }
}

// Points on the PCA plane (oriented for an analogy, whose target b - a + c
// is then the last point).
StatusOr<std::vector<Point2>> Project(const NearestNeighbors& nn,
                                      const Scene& s, WordMapReport* report) {
  std::vector<std::vector<double>> vecs;
  for (int32_t r : s.rows) vecs.push_back(UnitRow(nn, r));
  StatusOr<Pca2> pca = Pca2::Fit(vecs);
  if (!pca.ok()) return pca.status();
  report->explained = pca->explained();
  std::vector<Point2> pts;
  for (const auto& v : vecs) pts.push_back(pca->Project(v));
  if (s.analogy) {
    pts.push_back(pca->Project(s.target));
    Orient(&pts);
  }
  return pts;
}

// Data coordinates to the canvas: equal scales on both axes (angles and
// parallelograms stay true), centred in `area`.
struct Mapping {
  double scale = 1, cx = 0, cy = 0, ox = 0, oy = 0;
  double X(const Point2& p) const { return ox + (p[0] - cx) * scale; }
  double Y(const Point2& p) const { return oy - (p[1] - cy) * scale; }
};

Mapping FitArea(const std::vector<Point2>& pts, const Box& area) {
  double x0 = pts[0][0], x1 = x0, y0 = pts[0][1], y1 = y0;
  for (const Point2& p : pts) {
    x0 = std::min(x0, p[0]);
    x1 = std::max(x1, p[0]);
    y0 = std::min(y0, p[1]);
    y1 = std::max(y1, p[1]);
  }
  Mapping m;
  const double w = std::max(x1 - x0, 1e-9), h = std::max(y1 - y0, 1e-9);
  m.scale = std::min((area.x1 - area.x0) / w, (area.y1 - area.y0) / h);
  m.cx = (x0 + x1) / 2;
  m.cy = (y0 + y1) / 2;
  m.ox = (area.x0 + area.x1) / 2;
  m.oy = (area.y0 + area.y1) / 2;
  return m;
}

Color RoleColor(Role r) {
  switch (r) {
    case Role::kA:
    case Role::kC:
      return palette::kBlue;
    case Role::kB:
    case Role::kD:
      return palette::kOrange;
    case Role::kWord:
      return palette::kSlate;
    default:
      return palette::kMuted;
  }
}

double RoleFontSize(Role r) {
  return r == Role::kNeighbor ? 12 : r == Role::kWord ? 14 : 15;
}

// The parallelogram: a -> b and c -> target (the same offset), a -> c and
// b -> target dashed, and a dotted line from the target to d.
void DrawParallelogram(Canvas& c, const Mapping& m,
                       const std::vector<Point2>& p) {
  const Point2 &a = p[0], &b = p[1], &cc = p[2], &d = p[3], &t = p.back();
  const Color side{0.62, 0.64, 0.68};
  c.Line(m.X(a), m.Y(a), m.X(cc), m.Y(cc), side, 1.5, true);
  c.Line(m.X(b), m.Y(b), m.X(t), m.Y(t), side, 1.5, true);
  c.Arrow(m.X(a), m.Y(a), m.X(b), m.Y(b), palette::kGreen, 2.5);
  c.Arrow(m.X(cc), m.Y(cc), m.X(t), m.Y(t), palette::kGreen, 2.5);
  c.Line(m.X(t), m.Y(t), m.X(d), m.Y(d), palette::kRed, 1.5, true);
}

// Small boxes along the segment (x0, y0) -> (x1, y1), so that labels
// keep off the lines of the parallelogram.
void AddSegmentObstacles(double x0, double y0, double x1, double y1,
                         std::vector<Box>* obstacles) {
  const double len = std::hypot(x1 - x0, y1 - y0);
  const int steps = std::max(1, int(len / 6));
  for (int i = 0; i <= steps; ++i) {
    const double x = x0 + (x1 - x0) * i / steps;
    const double y = y0 + (y1 - y0) * i / steps;
    obstacles->push_back({x - 2, y - 2, x + 2, y + 2});
  }
}

std::vector<Box> ParallelogramObstacles(const Mapping& m,
                                        const std::vector<Point2>& p) {
  std::vector<Box> boxes;
  const Point2* ends[][2] = {{&p[0], &p[1]},
                             {&p[2], &p.back()},
                             {&p[0], &p[2]},
                             {&p[1], &p.back()},
                             {&p.back(), &p[3]}};
  for (const auto& e : ends) {
    AddSegmentObstacles(m.X(*e[0]), m.Y(*e[0]), m.X(*e[1]), m.Y(*e[1]), &boxes);
  }
  return boxes;
}

struct Label {
  std::string text;
  Point2 at;
  Color color;
  double size;
  bool bold, italic;
};

void DrawLabels(Canvas& c, const Mapping& m, const std::vector<Label>& labels,
                const Box& bounds, const std::vector<Box>& obstacles) {
  std::vector<LabelRequest> requests;
  std::vector<TextExtent> extents;
  for (const Label& l : labels) {
    c.SetFont(l.size, l.bold, l.italic);
    extents.push_back(c.Measure(l.text));
    requests.push_back(
        {m.X(l.at), m.Y(l.at), extents.back().width, extents.back().height()});
  }
  const std::vector<LabelPlacement> placed =
      PlaceLabels(requests, bounds, obstacles);
  for (size_t i = 0; i < labels.size(); ++i) {
    const Box& b = placed[i].box;
    if (placed[i].leader) {
      const double lx = std::clamp(requests[i].x, b.x0, b.x1);
      const double ly = std::clamp(requests[i].y, b.y0, b.y1);
      c.Line(requests[i].x, requests[i].y, lx, ly, palette::kMuted, 0.8);
    }
    c.SetFont(labels[i].size, labels[i].bold, labels[i].italic);
    c.Text(b.x0, b.y0 + extents[i].ascent, labels[i].text, labels[i].color);
  }
}

// Points (and the target star) with their labels, analogy words first.
void DrawPoints(Canvas& c, const Mapping& m, const NearestNeighbors& nn,
                const Scene& s, const std::vector<Point2>& p,
                const Box& bounds) {
  std::vector<Box> obstacles;
  if (s.analogy) obstacles = ParallelogramObstacles(m, p);
  std::vector<Label> labels;
  for (size_t i = s.rows.size(); i-- > 0;) {  // important ones on top
    const Role role = s.roles[i];
    const double r = role == Role::kNeighbor ? 3.5 : 5;
    c.Dot(m.X(p[i]), m.Y(p[i]), r, RoleColor(role), Color{1, 1, 1});
  }
  for (size_t i = 0; i < s.rows.size(); ++i) {
    const double x = m.X(p[i]), y = m.Y(p[i]);
    obstacles.push_back({x - 6, y - 6, x + 6, y + 6});
    const Role role = s.roles[i];
    labels.push_back({nn.word(s.rows[i]), p[i], RoleColor(role),
                      RoleFontSize(role),
                      role != Role::kWord && role != Role::kNeighbor, false});
  }
  if (s.analogy) {
    const Point2& t = p.back();
    c.Star(m.X(t), m.Y(t), 9, palette::kRed, Color{1, 1, 1});
    obstacles.push_back({m.X(t) - 8, m.Y(t) - 8, m.X(t) + 8, m.Y(t) + 8});
    labels.insert(labels.begin() + 4,
                  {s.target_label, t, palette::kRed, 14, false, true});
  }
  DrawLabels(c, m, labels, bounds, obstacles);
}

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.0f%%", 100 * share);
  return buf;
}

void DrawFrame(Canvas& c, const WordMapOptions& o, const Scene& s,
               const WordMapReport& report, const Box& area) {
  c.Rect(area.x0, area.y0, area.x1 - area.x0, area.y1 - area.y0,
         Color{0.975, 0.978, 0.985});
  std::string title = o.title;
  if (title.empty()) {
    title = s.analogy ? s.target_label + " \u2248 " + report.analogy_answer
                      : "Word map";
  }
  c.SetFont(22, true);
  c.Text(area.x0, 38, title, palette::kText);
  c.SetFont(13);
  std::string sub = "PCA of " + std::to_string(s.rows.size()) +
                    " word vectors (unit length): axis 1 " +
                    Percent(report.explained[0]) + ", axis 2 " +
                    Percent(report.explained[1]) + " of the variance";
  if (!o.subtitle.empty()) sub += "  \u00b7  " + o.subtitle;
  c.Text(area.x0, 60, sub, palette::kMuted);
}

void DrawCaption(Canvas& c, const Scene& s, const WordMapReport& report,
                 const Box& area) {
  if (!s.analogy) return;
  char cos[32];
  std::snprintf(cos, sizeof(cos), "%.3f", report.analogy_cosine);
  const double y = area.y1 + 28;
  c.Star(area.x0 + 8, y - 5, 7, palette::kRed, Color{1, 1, 1});
  c.SetFont(14);
  c.Text(area.x0 + 22, y,
         s.target_label + " lands here; its nearest word is " +
             report.analogy_answer + " (cosine " + cos + ")",
         palette::kText);
  c.SetFont(12);
  c.Text(area.x1, y, "green arrows: the same offset", palette::kGreen,
         Align::kRight);
}

}  // namespace

StatusOr<AnalogySpec> ParseAnalogySpec(std::string_view text) {
  const auto bad = [&] {
    return Status::InvalidArgument(
        "--analogy: expected a:b::c:d or a:b::c (man:king::woman:queen), "
        "got '" +
        std::string(text) + "'");
  };
  const size_t mid = text.find("::");
  if (mid == std::string_view::npos) return bad();
  const std::string_view left = text.substr(0, mid),
                         right = text.substr(mid + 2);
  const size_t l = left.find(':'), r = right.find(':');
  if (l == std::string_view::npos) return bad();
  AnalogySpec s{
      std::string(left.substr(0, l)), std::string(left.substr(l + 1)),
      std::string(right.substr(0, r)),
      r == std::string_view::npos ? "" : std::string(right.substr(r + 1))};
  for (const std::string* w : {&s.a, &s.b, &s.c}) {
    if (w->empty() || w->find(':') != std::string::npos) return bad();
  }
  if (s.d.find(':') != std::string::npos ||
      (r != std::string_view::npos && s.d.empty())) {
    return bad();
  }
  return s;
}

StatusOr<WordMapReport> DrawWordMap(const NearestNeighbors& nn,
                                    const WordMapOptions& o,
                                    const std::string& path, const Env& env) {
  WordMapReport report;
  StatusOr<Scene> scene = BuildScene(nn, o, &report);
  if (!scene.ok()) return scene.status();
  StatusOr<std::vector<Point2>> pts = Project(nn, *scene, &report);
  if (!pts.ok()) return pts.status();
  StatusOr<std::unique_ptr<Canvas>> canvas =
      Canvas::Create(path, o.width, o.height, env);
  if (!canvas.ok()) return canvas.status();
  Canvas& c = **canvas;
  const Box frame{24, 76, o.width - 24, o.height - (scene->analogy ? 48 : 24)};
  // Room inside the frame for labels beside the outermost points.
  const Box inner{frame.x0 + 90, frame.y0 + 30, frame.x1 - 90, frame.y1 - 30};
  const Mapping m = FitArea(*pts, inner);
  DrawFrame(c, o, *scene, report, frame);
  if (scene->analogy) DrawParallelogram(c, m, *pts);
  DrawPoints(c, m, nn, *scene, *pts, frame);
  DrawCaption(c, *scene, report, frame);
  WEMBED_RETURN_IF_ERROR(c.Finish());
  return report;
}

}  // namespace wembed
