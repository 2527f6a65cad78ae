// ReadAnalogyQuestions on arbitrary bytes (`wembed eval --analogies`), then
// the evaluator on a fixed tiny vocabulary, as the CLI runs them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "wembed/eval/analogy_evaluator.h"
#include "wembed/vectors/embeddings.h"

using wembed_fuzz::Check;
using wembed_fuzz::Failed;

namespace {

wembed::Embeddings TinyEmbeddings() {
  wembed::Embeddings e;
  e.words = {"a", "b", "c", "d", "King", "queen"};
  e.vectors = wembed::Matrix(e.words.size(), 3);
  for (size_t r = 0; r < e.vectors.rows(); ++r) {
    for (size_t c = 0; c < 3; ++c) {
      e.vectors.row(r)[c] = static_cast<float>((r * 7 + c * 3) % 5) - 2.0f;
    }
  }
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const wembed::AnalogyEvaluator* evaluator = [] {
    wembed::AnalogyOptions options;
    options.threads = 1;
    options.method_mul = true;
    return new wembed::AnalogyEvaluator(TinyEmbeddings(), options);
  }();
  const std::string path = wembed_fuzz::WriteInput(data, size);
  auto questions = wembed::ReadAnalogyQuestions(path);
  if (Failed(questions)) return 0;
  const wembed::AnalogyQuestionSet& set = questions.value();
  size_t last_line = 0;
  for (const wembed::AnalogySection& s : set.sections) {
    for (const wembed::AnalogyQuestion& q : s.questions) {
      Check(!q.a.empty() && !q.b.empty() && !q.c.empty() && !q.expected.empty(),
            "empty word in a question");
      wembed_fuzz::CheckLineIncreases(q.line, &last_line);
    }
  }
  wembed::AnalogyResult result = evaluator->Evaluate(set);
  Check(result.total.questions == set.num_questions(),
        "every question counted");
  return 0;
}
