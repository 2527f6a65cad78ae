// Training progress as named numbers: the fields of a `wembed train
// --log-json` line and of the dict the Python module's progress callable
// receives, defined once here.
#ifndef WEMBED_TRAIN_PROGRESS_LOG_H_
#define WEMBED_TRAIN_PROGRESS_LOG_H_

#include <string>
#include <vector>

#include "wembed/train/trainer.h"

namespace wembed {

// Seconds between two log lines (and two Python progress calls by default).
inline constexpr double kProgressLogIntervalSeconds = 1.0;

struct ProgressField {
  const char* name;
  double value;
  bool integer;  // a count, written without a fraction
};

// In order: words (corpus tokens processed, all epochs, the learning-rate
// schedule's counter), words_total, progress (0..1), epoch (1-based),
// epochs, elapsed (seconds of training in this process), words_per_second
// and loss (mean loss per (input, output) pair) since the previous
// snapshot, learning_rate, eta (seconds).
std::vector<ProgressField> ProgressFields(const TrainStatus& status);

// The fields as one JSON object on one line, without the line end;
// non-finite numbers as null.
std::string ProgressJsonLine(const TrainStatus& status);

}  // namespace wembed

#endif  // WEMBED_TRAIN_PROGRESS_LOG_H_
