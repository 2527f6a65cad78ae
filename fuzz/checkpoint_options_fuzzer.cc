// The option key/values a checkpoint (and a .wenc file) stores, as the
// resume path parses them: TrainOptions::FromKeyValues, MergeResumedJob,
// MergeInitJob and ApplyCorpusOptions. The input is "key=value" lines.
// Options that parse print back to key/values that parse to the same text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_util.h"
#include "wembed/train/option_table.h"
#include "wembed/train/train_options.h"
#include "wembed/train/training_job.h"
#include "wembed/vectors/checkpoint.h"

using wembed_fuzz::Check;
using KeyValues = std::vector<std::pair<std::string, std::string>>;

namespace {

KeyValues SplitLines(std::string_view text) {
  KeyValues kv;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? "" : text.substr(end + 1);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      kv.emplace_back(std::string(line), "");
    } else {
      kv.emplace_back(std::string(line.substr(0, eq)),
                      std::string(line.substr(eq + 1)));
    }
  }
  return kv;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const KeyValues kv =
      SplitLines(std::string_view(reinterpret_cast<const char*>(data), size));
  std::vector<std::string> notes;
  wembed::TrainingJob given;
  given.resume = "fuzz.ckpt";
  wembed::ApplyCorpusOptions(kv, "fuzz.wenc", &given, &notes);
  auto options = wembed::TrainOptions::FromKeyValues(kv);
  wembed::Checkpoint ckpt;
  ckpt.options = kv;
  auto merged = wembed::MergeResumedJob(given, ckpt, &notes);
  Check(merged.ok() == options.ok(),
        "MergeResumedJob fails iff the parse does");
  if (!options.ok()) return 0;
  (void)options.value().Validate();
  (void)wembed::MergeInitJob(given, options.value());
  const KeyValues printed = options.value().ToKeyValues();
  auto reparsed = wembed::TrainOptions::FromKeyValues(printed);
  Check(reparsed.ok(), "printed options parse");
  Check(reparsed.value().ToKeyValues() == printed,
        "printed options print the same");
  return 0;
}
