#include "plot/label_layout.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wembed {
namespace {

// Gap between a point and its label, and the rings tried beyond it.
constexpr double kGap = 8;
constexpr int kRings = 6;
// Distance from a point to its label beyond which a leader line is drawn.
constexpr double kLeaderDistance = 2.5 * kGap;

double Distance(double x, double y, const Box& b) {
  const double dx = std::max({b.x0 - x, 0.0, x - b.x1});
  const double dy = std::max({b.y0 - y, 0.0, y - b.y1});
  return std::hypot(dx, dy);
}

// The label box for direction (dx, dy) in {-1, 0, 1}^2 at distance `d`.
Box Candidate(const LabelRequest& l, int dx, int dy, double d) {
  double x0 = dx > 0 ? l.x + d : dx < 0 ? l.x - d - l.width : l.x - l.width / 2;
  double y0 = dy > 0   ? l.y + d
              : dy < 0 ? l.y - d - l.height
                       : l.y - l.height / 2;
  return Box{x0, y0, x0 + l.width, y0 + l.height};
}

// Keeps `b` inside `bounds` where it fits.
Box Clamp(Box b, const Box& bounds) {
  const double w = b.x1 - b.x0, h = b.y1 - b.y0;
  b.x0 = std::clamp(b.x0, bounds.x0, std::max(bounds.x0, bounds.x1 - w));
  b.y0 = std::clamp(b.y0, bounds.y0, std::max(bounds.y0, bounds.y1 - h));
  b.x1 = b.x0 + w;
  b.y1 = b.y0 + h;
  return b;
}

double Overlap(const Box& b, const std::vector<Box>& taken) {
  double area = 0;
  for (const Box& t : taken) area += b.OverlapArea(t);
  return area;
}

}  // namespace

double Box::OverlapArea(const Box& o) const {
  const double w = std::min(x1, o.x1) - std::max(x0, o.x0);
  const double h = std::min(y1, o.y1) - std::max(y0, o.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

std::vector<LabelPlacement> PlaceLabels(const std::vector<LabelRequest>& labels,
                                        const Box& bounds,
                                        const std::vector<Box>& obstacles) {
  // Right, left, above, below, then the diagonals: the usual reading order.
  static constexpr int kDirections[8][2] = {
      {1, 0}, {-1, 0}, {0, -1}, {0, 1}, {1, -1}, {-1, -1}, {1, 1}, {-1, 1}};
  std::vector<Box> taken = obstacles;
  std::vector<LabelPlacement> out;
  for (const LabelRequest& l : labels) {
    LabelPlacement best;
    double best_overlap = std::numeric_limits<double>::infinity();
    for (int ring = 0; ring < kRings && best_overlap > 0; ++ring) {
      const double d = kGap + ring * l.height * 0.9;
      for (const auto& dir : kDirections) {
        const Box b = Clamp(Candidate(l, dir[0], dir[1], d), bounds);
        const double overlap = Overlap(b, taken);
        if (overlap < best_overlap) {
          best_overlap = overlap;
          best.box = b;
          best.leader = Distance(l.x, l.y, b) > kLeaderDistance;
          if (overlap == 0) break;
        }
      }
    }
    taken.push_back(best.box);
    out.push_back(best);
  }
  return out;
}

}  // namespace wembed
