#include "wembed/train/progress_log.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>

namespace wembed {

std::vector<ProgressField> ProgressFields(const TrainStatus& s) {
  return {
      {"words", double(s.words_processed), true},
      {"words_total", double(s.words_total), true},
      {"progress", s.progress, false},
      {"epoch", double(s.epoch), true},
      {"epochs", double(s.epochs), true},
      {"elapsed", s.elapsed_seconds, false},
      {"words_per_second", s.words_per_second, false},
      {"loss", s.average_loss, false},
      {"learning_rate", s.alpha, false},
      {"eta", s.eta_seconds, false},
  };
}

std::string ProgressJsonLine(const TrainStatus& status) {
  std::string line = "{";
  char num[64];
  for (const ProgressField& f : ProgressFields(status)) {
    if (line.size() > 1) line += ',';
    line += '"';
    line += f.name;
    line += "\":";
    if (!std::isfinite(f.value)) {
      line += "null";
      continue;
    }
    if (f.integer) {
      std::snprintf(num, sizeof(num), "%" PRIu64, uint64_t(f.value));
    } else {
      std::snprintf(num, sizeof(num), "%.9g", f.value);
    }
    line += num;
  }
  return line + "}";
}

}  // namespace wembed
