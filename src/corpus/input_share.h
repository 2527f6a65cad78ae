// One rank's share of the corpus inputs (distributed training,
// docs/distributed.md "What each rank reads"). The inputs are laid end to
// end by their sizes on disk and cut into `count` equal byte ranges; share
// `index` reads, of each plain file, the lines that start in its range, and
// the gzip files that start in it (a gzip stream cannot be entered in the
// middle). Lines are never split, so the shares together read every line
// exactly once, in order.
#ifndef WEMBED_SRC_CORPUS_INPUT_SHARE_H_
#define WEMBED_SRC_CORPUS_INPUT_SHARE_H_

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

// A file, or the bytes [begin, end) of a plain one.
struct InputPiece {
  static constexpr uint64_t kToEnd = std::numeric_limits<uint64_t>::max();
  std::string path;
  uint64_t begin = 0;
  uint64_t end = kToEnd;
};

// Whole files (the undivided scan).
std::vector<InputPiece> WholeInputs(const std::vector<std::string>& files);

// Share `index` of `count` (0 <= index < count) of `files` (already
// expanded). Errors: stdin or a FIFO among the inputs (it cannot be shared:
// InvalidArgument naming it), and the file errors of opening and reading.
StatusOr<std::vector<InputPiece>> PlanInputShare(
    const std::vector<std::string>& files, int index, int count,
    const Env& env);

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_INPUT_SHARE_H_
