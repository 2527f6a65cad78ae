// Word vectors of fastText's subword model: a word's vector is the mean of
// its own row (when it has one) and the rows of its character n-grams
// (wembed/text/subwords.h), so words never seen in training get vectors too.
#ifndef WEMBED_VECTORS_SUBWORD_VECTORS_H_
#define WEMBED_VECTORS_SUBWORD_VECTORS_H_

#include <string>
#include <string_view>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/matrix.h"
#include "wembed/base/status.h"
#include "wembed/text/subwords.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"

namespace wembed {

// Writes to out[0, subword_input.cols()) the mean of `word_row` (nullptr for
// a word without a row of its own) and the rows of `word`'s n-grams in
// `subword_input` (spec.buckets rows). Returns the number of rows averaged;
// 0 (and out all zero) when there is none (an unseen word shorter than
// spec.min_n characters with its brackets). `buckets` is scratch space.
// Requires spec.enabled().
int ComposeWordVector(std::string_view word, const float* word_row,
                      const SubwordSpec& spec, const Matrix& subword_input,
                      std::vector<uint32_t>* buckets, float* out);

// The composed vector of every vocabulary word (row i: word i), as
// ComposeWordVector with its row of `input`. Requires spec.enabled().
Matrix ComposeVocabularyVectors(const Vocabulary& vocab, const Matrix& input,
                                const SubwordSpec& spec,
                                const Matrix& subword_input);

// Replaces c->input with ComposeVocabularyVectors when the checkpoint has
// subwords; does nothing otherwise. The vectors a subword run writes are
// these composed vectors (mixed with the output rows as usual).
void ComposeCheckpointInput(Checkpoint* c);

// Rows for `words`, in their order: a word of `known_words` gets its row of
// `known_vectors` (row i: known_words[i]); another, when `spec` is enabled,
// the mean of its n-gram rows (ComposeWordVector without a row of its own).
// A word with neither is left out and appended to *missing.
Embeddings SelectWordVectors(const std::vector<std::string>& words,
                             const std::vector<std::string>& known_words,
                             const Matrix& known_vectors,
                             const SubwordSpec& spec,
                             const Matrix& subword_input,
                             std::vector<std::string>* missing);

// A row for each of `words` that `known_words` lack (compared as written,
// or, unless `case_sensitive`, both lowercased with FoldCase as the
// evaluators compare them), each once, in order of first appearance: the
// mean of its n-gram rows. A word without an n-gram is left out. Requires
// spec.enabled().
Embeddings UnseenWordVectors(const std::vector<std::string>& words,
                             const std::vector<std::string>& known_words,
                             bool case_sensitive, const SubwordSpec& spec,
                             const Matrix& subword_input);

// Appends to *e a row for each of `words` that *e lacks (compared as
// written, or, unless `case_sensitive`, both lowercased with FoldCase as the
// evaluators compare them), each once: the mean of its n-gram rows. A word
// without an n-gram is not added. Returns the number of rows added.
// Requires spec.enabled() and subword_input.cols() == e->vectors.cols().
size_t AppendUnseenWordVectors(const std::vector<std::string>& words,
                               bool case_sensitive, const SubwordSpec& spec,
                               const Matrix& subword_input, Embeddings* e);

// The words of a list file (plain or gzip; "-" for stdin): every
// whitespace-separated token, in order, repeats dropped.
StatusOr<std::vector<std::string>> ReadWordList(
    const std::string& path, const Env& env = Env::Default());

}  // namespace wembed

#endif  // WEMBED_VECTORS_SUBWORD_VECTORS_H_
