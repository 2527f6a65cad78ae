// Vocabulary::Load on arbitrary bytes (`wembed train --read-vocab`, word2vec
// -save-vocab files). A loaded vocabulary has a count per word, unique
// non-empty words without whitespace, and an index that finds each.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "wembed/corpus/vocabulary.h"

using wembed_fuzz::Check;
using wembed_fuzz::Failed;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = wembed_fuzz::WriteInput(data, size);
  auto vocab = wembed::Vocabulary::Load(path);
  if (Failed(vocab)) return 0;
  const wembed::Vocabulary& v = vocab.value();
  Check(v.words().size() == v.counts().size(), "a count per word");
  uint64_t total = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string& w = v.word(static_cast<int32_t>(i));
    wembed_fuzz::CheckWord(w);
    Check(v.Find(w) == static_cast<int32_t>(i), "Find(word(i)) == i");
    total += v.count(static_cast<int32_t>(i));
  }
  Check(total == v.total_count(), "total_count is the sum of the counts");
  return 0;
}
