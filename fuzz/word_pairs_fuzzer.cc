// ReadWordPairs on arbitrary bytes (`wembed eval --similarity`), then the
// similarity evaluator on a fixed tiny vocabulary, as the CLI runs them.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "wembed/eval/similarity_evaluator.h"
#include "wembed/vectors/embeddings.h"

using wembed_fuzz::Check;
using wembed_fuzz::Failed;

namespace {

const wembed::Embeddings& TinyEmbeddings() {
  static const wembed::Embeddings* e = [] {
    auto* out = new wembed::Embeddings;
    out->words = {"a", "b", "c", "tiger", "cat", "Zero"};
    out->vectors = wembed::Matrix(out->words.size(), 2);
    for (size_t r = 0; r < out->vectors.rows(); ++r) {
      out->vectors.row(r)[0] = static_cast<float>(r % 3);
      out->vectors.row(r)[1] = r == 5 ? 0.0f : 1.0f;  // "Zero" is all zeros
    }
    return out;
  }();
  return *e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const wembed::SimilarityEvaluator evaluator(
      TinyEmbeddings(), wembed::SimilarityOptions{});
  const std::string path = wembed_fuzz::WriteInput(data, size);
  wembed::WordPairsReadInfo info;
  auto pairs = wembed::ReadWordPairs(path, &info);
  if (Failed(pairs)) return 0;
  size_t last_line = 0;
  for (const wembed::WordPair& p : pairs.value()) {
    Check(!p.a.empty() && !p.b.empty(), "empty word in a pair");
    Check(std::isfinite(p.score), "non-finite score accepted");
    wembed_fuzz::CheckLineIncreases(p.line, &last_line);
  }
  Check((info.skipped_lines == 0) == (info.first_skipped_line == 0),
        "first skipped line set iff lines were skipped");
  auto result = evaluator.Evaluate(pairs.value());
  if (result.ok()) {
    Check(result.value().pairs_total == pairs.value().size(), "every pair");
    Check(result.value().cosines.size() == pairs.value().size(),
          "a cosine per pair");
    Check(result.value().pairs_used >= 1, "ok with a pair used");
  }
  return 0;
}
