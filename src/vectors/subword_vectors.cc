#include "wembed/vectors/subword_vectors.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "base/buffered_reader.h"
#include "wembed/text/fold_case.h"

namespace wembed {

int ComposeWordVector(std::string_view word, const float* word_row,
                      const SubwordSpec& spec, const Matrix& subword_input,
                      std::vector<uint32_t>* buckets, float* out) {
  const size_t dim = subword_input.cols();
  std::fill(out, out + dim, 0.0f);
  buckets->clear();
  AppendNgramBuckets(word, spec, buckets);
  int rows = 0;
  if (word_row != nullptr) {
    for (size_t c = 0; c < dim; ++c) out[c] += word_row[c];
    ++rows;
  }
  for (uint32_t b : *buckets) {
    const float* row = subword_input.row(b);
    for (size_t c = 0; c < dim; ++c) out[c] += row[c];
    ++rows;
  }
  if (rows > 1) {
    const float scale = 1.0f / float(rows);
    for (size_t c = 0; c < dim; ++c) out[c] *= scale;
  }
  return rows;
}

Matrix ComposeVocabularyVectors(const Vocabulary& vocab, const Matrix& input,
                                const SubwordSpec& spec,
                                const Matrix& subword_input) {
  Matrix out(input.rows(), input.cols());
  std::vector<uint32_t> buckets;
  for (size_t r = 0; r < input.rows(); ++r) {
    ComposeWordVector(vocab.word(int32_t(r)), input.row(r), spec,
                      subword_input, &buckets, out.row(r));
  }
  return out;
}

void ComposeCheckpointInput(Checkpoint* c) {
  if (!c->subwords.enabled()) return;
  c->input = ComposeVocabularyVectors(c->vocab, c->input, c->subwords,
                                      c->subword_input);
}

Embeddings SelectWordVectors(const std::vector<std::string>& words,
                             const std::vector<std::string>& known_words,
                             const Matrix& known_vectors,
                             const SubwordSpec& spec,
                             const Matrix& subword_input,
                             std::vector<std::string>* missing) {
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < known_words.size(); ++i) index[known_words[i]] = i;
  const size_t dim = known_vectors.cols();
  Matrix rows(words.size(), dim);
  Embeddings out;
  std::vector<uint32_t> buckets;
  for (const std::string& word : words) {
    float* row = rows.row(out.words.size());
    const auto it = index.find(word);
    if (it != index.end()) {
      std::memcpy(row, known_vectors.row(it->second), dim * sizeof(float));
    } else if (!spec.enabled() || ComposeWordVector(word, nullptr, spec,
                                                    subword_input, &buckets,
                                                    row) == 0) {
      missing->push_back(word);
      continue;
    }
    out.words.push_back(word);
  }
  out.vectors = Matrix(out.words.size(), dim);
  for (size_t r = 0; r < out.words.size(); ++r) {
    std::memcpy(out.vectors.row(r), rows.row(r), dim * sizeof(float));
  }
  return out;
}

Embeddings UnseenWordVectors(const std::vector<std::string>& words,
                             const std::vector<std::string>& known_words,
                             bool case_sensitive, const SubwordSpec& spec,
                             const Matrix& subword_input) {
  auto key = [case_sensitive](const std::string& w) {
    return case_sensitive ? w : FoldCase(w);
  };
  std::unordered_set<std::string> known;
  for (const std::string& w : known_words) known.insert(key(w));
  std::vector<std::string> unseen;
  for (const std::string& w : words) {
    if (known.insert(key(w)).second) unseen.push_back(w);
  }
  const size_t dim = subword_input.cols();
  Matrix rows(unseen.size(), dim);
  Embeddings out;
  std::vector<uint32_t> buckets;
  for (const std::string& w : unseen) {
    if (ComposeWordVector(w, nullptr, spec, subword_input, &buckets,
                          rows.row(out.words.size())) == 0) {
      continue;  // no n-gram: stays unknown
    }
    out.words.push_back(w);
  }
  out.vectors = Matrix(out.words.size(), dim);
  for (size_t r = 0; r < out.words.size(); ++r) {
    std::memcpy(out.vectors.row(r), rows.row(r), dim * sizeof(float));
  }
  return out;
}

size_t AppendUnseenWordVectors(const std::vector<std::string>& words,
                               bool case_sensitive, const SubwordSpec& spec,
                               const Matrix& subword_input, Embeddings* e) {
  Embeddings added =
      UnseenWordVectors(words, e->words, case_sensitive, spec, subword_input);
  const size_t dim = e->vectors.cols(), old_rows = e->words.size();
  Matrix out(old_rows + added.words.size(), dim);
  for (size_t r = 0; r < old_rows; ++r) {
    std::memcpy(out.row(r), e->vectors.row(r), dim * sizeof(float));
  }
  for (size_t r = 0; r < added.words.size(); ++r) {
    std::memcpy(out.row(old_rows + r), added.vectors.row(r),
                dim * sizeof(float));
    e->words.push_back(std::move(added.words[r]));
  }
  e->vectors = std::move(out);
  return added.words.size();
}

StatusOr<std::vector<std::string>> ReadWordList(const std::string& path,
                                                const Env& env) {
  StatusOr<std::unique_ptr<BufferedReader>> in =
      BufferedReader::Open(path, env);
  if (!in.ok()) return in.status();
  std::vector<std::string> words;
  std::unordered_set<std::string> seen;
  std::string_view line;
  while (true) {
    StatusOr<bool> more = (*in)->NextLine(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && std::isspace(uint8_t(line[i]))) ++i;
      size_t j = i;
      while (j < line.size() && !std::isspace(uint8_t(line[j]))) ++j;
      if (j > i && seen.emplace(line.substr(i, j - i)).second) {
        words.emplace_back(line.substr(i, j - i));
      }
      i = j;
    }
  }
  return words;
}

}  // namespace wembed
