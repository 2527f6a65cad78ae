// Progress output on stderr: one refreshing line on a terminal, plain lines
// otherwise; and the formatting of scan and training progress.
#ifndef WEMBED_TOOLS_PROGRESS_FORMAT_H_
#define WEMBED_TOOLS_PROGRESS_FORMAT_H_

#include <string>

#include "wembed/corpus/corpus_scanner.h"
#include "wembed/train/trainer.h"
#include "wembed/train/training_job.h"

namespace wembed::cli {

class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool quiet);
  bool is_terminal() const { return terminal_; }
  // Replaces the current status line (terminal) or prints it as a line.
  void Update(const std::string& text);
  // Ends the status line and prints `text` (if non-empty) as a final line.
  void Finish(const std::string& text);
  // Prints a line (after ending any status line).
  void Line(const std::string& text);

 private:
  bool quiet_;
  bool terminal_;
  size_t last_width_ = 0;
};

std::string FormatCount(double n);           // 1234567 -> "1.23M"
std::string FormatDuration(double seconds);  // 75 -> "1:15"
std::string FormatPercent(double fraction);  // 0.4567 -> "45.7%"
std::string FormatScanProgress(const ScanStats& s);
std::string FormatScanSummary(const ScanStats& s, size_t vocab_size,
                              uint64_t encoded_tokens);
// "train: model matrices: input 71k x 100, output 71k x 100, n-grams
// 2.00M x 100 (896.00MB); 959.94MB in all, outside --memory-budget" (bytes
// as allocated: rows padded to a multiple of 16 floats).
std::string FormatModelMemory(const ModelMatrices& m);
std::string FormatTrainProgress(const TrainStatus& s);
std::string FormatTrainSummary(const TrainSummary& s, int threads);

}  // namespace wembed::cli

#endif  // WEMBED_TOOLS_PROGRESS_FORMAT_H_
