#include "train/subword_training.h"

#include <algorithm>

namespace wembed {
namespace {

// Appends `word`'s rows (its W_E row, then its n-gram rows) at rows[n];
// returns the new count.
int AppendWordRows(const SubwordModel& m, int32_t word, float** rows, int n) {
  rows[n++] = m.input->row(size_t(word));
  const uint32_t* buckets = m.table->buckets(word);
  const int count = m.table->count(word);
  for (int b = 0; b < count; ++b) {
    rows[n++] = m.subword_input->row(buckets[b]);
  }
  return n;
}

// hidden = mean of rows[0, n) (n >= 1).
void MeanOfRows(float* const* rows, int n, size_t stride,
                float* __restrict hidden) {
  const float* __restrict first = rows[0];
  std::copy(first, first + stride, hidden);
  for (int r = 1; r < n; ++r) {
    const float* __restrict row = rows[r];
    for (size_t c = 0; c < stride; ++c) hidden[c] += row[c];
  }
  const float scale = 1.0f / float(n);
  for (size_t c = 0; c < stride; ++c) hidden[c] *= scale;
}

// The targets against w.hidden, then w.grad onto w.rows[0, num_rows): the
// step both models share.
void HiddenStep(const SubwordModel& m, int num_rows, const int32_t* targets,
                int num_targets, float alpha, SubwordScratch& w,
                double* loss_sum) {
  const size_t n = m.stride;
  float* __restrict hidden = w.hidden.data();
  float* __restrict grad = w.grad.data();
  MeanOfRows(w.rows.data(), num_rows, n, hidden);
  std::fill(grad, grad + n, 0.0f);
  const SgnsKernels& k = *m.kernels;
  for (int t = 0; t < num_targets; ++t) {
    // Hogwild: rows may be written by other threads concurrently (intended).
    float* y = m.output->row(size_t(targets[t]));
    const float f = k.dot(hidden, y, n);
    const float label = t == 0 ? 1.0f : 0.0f;
    const float g = (label - m.sigmoid->Sigmoid(f)) * alpha;
    *loss_sum -= m.sigmoid->LogSigmoid(t == 0 ? f : -f);
    k.axpy(g, y, grad, n);
    k.axpy(g, hidden, y, n);
  }
  for (int r = 0; r < num_rows; ++r) k.axpy(1.0f, grad, w.rows[r], n);
}

// Fills targets[0] = positive, then up to `negative` noise words not equal
// to it; returns their number.
int DrawTargets(const SubwordModel& m, int32_t positive, Rng& rng,
                int32_t* targets) {
  int n = 0;
  targets[n++] = positive;
  for (int d = 0; d < m.negative; ++d) {
    const int32_t negative = m.noise->Sample(rng);
    if (negative != positive) targets[n++] = negative;
  }
  return n;
}

}  // namespace

SubwordTable::SubwordTable(const Vocabulary& vocab, const SubwordSpec& spec) {
  offsets_.reserve(vocab.size() + 1);
  offsets_.push_back(0);
  for (size_t w = 0; w < vocab.size(); ++w) {
    AppendNgramBuckets(vocab.word(int32_t(w)), spec, &buckets_);
    offsets_.push_back(buckets_.size());
    max_count_ = std::max(max_count_, int(offsets_[w + 1] - offsets_[w]));
  }
}

size_t MaxSubwordRows(const SubwordModel& m, int window) {
  const size_t per_word = size_t(m.table->max_count()) + 1;
  return m.cbow ? 2 * size_t(window) * per_word : per_word;
}

void ComposeHidden(const SubwordModel& m, int32_t word,
                   float* __restrict hidden) {
  std::vector<float*> rows(size_t(m.table->count(word)) + 1);
  const int n = AppendWordRows(m, word, rows.data(), 0);
  MeanOfRows(rows.data(), n, m.stride, hidden);
}

void SubwordStep(const SubwordModel& m, int32_t center, const int32_t* targets,
                 int num_targets, float alpha, SubwordScratch& w,
                 double* loss_sum) {
  const int num_rows = AppendWordRows(m, center, w.rows.data(), 0);
  HiddenStep(m, num_rows, targets, num_targets, alpha, w, loss_sum);
}

void SubwordCbowStep(const SubwordModel& m, const int32_t* sentence,
                     int length, int i, int radius, const int32_t* targets,
                     int num_targets, float alpha, SubwordScratch& w,
                     double* loss_sum) {
  const int lo = std::max(0, i - radius);
  const int hi = std::min(length - 1, i + radius);
  int num_rows = 0;
  for (int c = lo; c <= hi; ++c) {
    if (c != i) num_rows = AppendWordRows(m, sentence[c], w.rows.data(), num_rows);
  }
  if (num_rows == 0) return;
  HiddenStep(m, num_rows, targets, num_targets, alpha, w, loss_sum);
}

void TrainSentenceSubwords(const SubwordModel& m, const int32_t* sentence,
                           int length, float alpha, Rng& rng,
                           SubwordScratch& w, double* loss_sum,
                           uint64_t* loss_count) {
  int32_t* targets = w.targets.data();
  for (int i = 0; i < length; ++i) {
    const int radius = m.window - int(rng.Below(uint32_t(m.window)));
    if (m.cbow) {
      if (length < 2) continue;  // no context word
      const int n = DrawTargets(m, sentence[i], rng, targets);
      SubwordCbowStep(m, sentence, length, i, radius, targets, n, alpha, w,
                      loss_sum);
      *loss_count += uint64_t(n);
      continue;
    }
    const int lo = std::max(0, i - radius);
    const int hi = std::min(length - 1, i + radius);
    for (int c = lo; c <= hi; ++c) {
      if (c == i) continue;
      const int n = DrawTargets(m, sentence[c], rng, targets);
      SubwordStep(m, sentence[i], targets, n, alpha, w, loss_sum);
      *loss_count += uint64_t(n);
    }
  }
}

void InitializeSubwordRows(uint64_t seed, int dim, Matrix* m) {
  Rng rng(seed ^ 0x5ab3f0a1c2d4e6f8ULL);
  for (size_t r = 0; r < m->rows(); ++r) {
    float* row = m->row(r);
    for (int c = 0; c < dim; ++c) {
      row[c] = (rng.UniformFloat() - 0.5f) / float(dim);
    }
  }
}

}  // namespace wembed
