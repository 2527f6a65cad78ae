// Training curves: loss and learning rate against words processed, read
// from the JSON lines of `wembed train --log-json`.
#ifndef WEMBED_PLOT_TRAINING_CURVE_H_
#define WEMBED_PLOT_TRAINING_CURVE_H_

#include <string>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

// One line of the log (fields of wembed/train/progress_log.h); a missing
// or null number is NaN.
struct TrainingLogPoint {
  double words = 0;
  double words_total = 0;
  double epoch = 0;
  double epochs = 0;
  double elapsed = 0;
  double words_per_second = 0;
  double loss = 0;
  double learning_rate = 0;
};

// Reads a --log-json file (plain or gzip). Blank lines are skipped; a line
// that is not a JSON object with a numeric "words" is Corruption naming
// the line. No lines at all is InvalidArgument.
StatusOr<std::vector<TrainingLogPoint>> ReadTrainingLog(
    const std::string& path, const Env& env = Env::Default());

struct TrainingCurveOptions {
  std::string title = "Training: loss and learning rate";
  std::string subtitle;  // e.g. the log file; "" = none
  double width = 900, height = 520;
};

// Draws loss (left axis) and learning rate (right axis) against words
// processed, with the epoch boundaries, into `path` (.png, .svg or .pdf).
Status DrawTrainingCurve(const std::vector<TrainingLogPoint>& points,
                         const TrainingCurveOptions& options,
                         const std::string& path,
                         const Env& env = Env::Default());

}  // namespace wembed

#endif  // WEMBED_PLOT_TRAINING_CURVE_H_
