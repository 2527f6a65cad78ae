// Label placement for scatter plots: each label goes next to its point
// where it overlaps no other label, point or marker and stays inside the
// plot, trying positions around the point at growing distances (a greedy
// "candidate positions" layout). Pure geometry; thread-safe.
#ifndef WEMBED_SRC_PLOT_LABEL_LAYOUT_H_
#define WEMBED_SRC_PLOT_LABEL_LAYOUT_H_

#include <vector>

namespace wembed {

struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // x0 <= x1, y0 <= y1 (y down)
  bool Overlaps(const Box& o) const {
    return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1;
  }
  double OverlapArea(const Box& o) const;
  bool Inside(const Box& o) const {
    return x0 >= o.x0 && x1 <= o.x1 && y0 >= o.y0 && y1 <= o.y1;
  }
};

// A label of width x height to be placed next to the point (x, y).
struct LabelRequest {
  double x = 0, y = 0;
  double width = 0, height = 0;
};

struct LabelPlacement {
  Box box;              // where the label's text goes
  bool leader = false;  // far from its point: draw a line to it
};

// Places the labels in request order (earlier ones get the better spots).
// `obstacles` (points, markers) are avoided like placed labels; every box
// stays inside `bounds` when it fits. Where no free position exists the
// least-overlapping one is taken.
std::vector<LabelPlacement> PlaceLabels(const std::vector<LabelRequest>& labels,
                                        const Box& bounds,
                                        const std::vector<Box>& obstacles);

}  // namespace wembed

#endif  // WEMBED_SRC_PLOT_LABEL_LAYOUT_H_
