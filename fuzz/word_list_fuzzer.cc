// ReadWordList on arbitrary bytes: the word lists of the subword paths
// (`wembed query/eval --words` to compose vectors for unseen words). The
// words are whitespace-free, non-empty and each listed once.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz_util.h"
#include "wembed/vectors/subword_vectors.h"

using wembed_fuzz::Check;
using wembed_fuzz::Failed;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = wembed_fuzz::WriteInput(data, size);
  auto words = wembed::ReadWordList(path);
  if (Failed(words)) return 0;
  std::set<std::string> seen;
  for (const std::string& w : words.value()) {
    wembed_fuzz::CheckWord(w);
    Check(seen.insert(w).second, "repeated word");
  }
  return 0;
}
