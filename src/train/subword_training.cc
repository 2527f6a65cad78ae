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

// hidden = mean of rows[0, n) (n >= 1): the scalar reference of the
// kernels' average.
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

// fastText's step (both models): the mean of w.rows[0, num_rows), the
// targets against it one after another, then w.grad onto the rows.
void HiddenStep(const SubwordModel& m, int num_rows, const int32_t* targets,
                int num_targets, float alpha, SubwordScratch& w,
                double* loss_sum) {
  const size_t n = m.stride;
  float* __restrict hidden = w.hidden();
  float* __restrict grad = w.grad();
  const SgnsKernels& k = *m.kernels;
  k.average(w.rows.data(), num_rows, n, 1.0f / float(num_rows), hidden);
  std::fill(grad, grad + n, 0.0f);
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
  k.scatter_add(grad, w.rows.data(), num_rows, n);
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

// Prefetches a row's cache lines for writing. Always inlined: GCC deems a
// function that only prefetches pure and drops calls to it.
__attribute__((always_inline)) inline void PrefetchRow(const float* row,
                                                       size_t bytes) {
  const char* p = reinterpret_cast<const char*>(row);
  for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(p + b, 1, 3);
}

// Draws center i's radius and its context words' negatives into *p (the
// draws fastText's loop makes for it, in its order) and prefetches every
// row the center's step reads.
void PlanCenter(const SubwordModel& m, const int32_t* sentence, int length,
                int i, Rng& rng, CenterPlan* p) {
  const int radius = m.window - int(rng.Below(uint32_t(m.window)));
  const int lo = std::max(0, i - radius);
  const int hi = std::min(length - 1, i + radius);
  int32_t* t = p->targets.data();
  int n = 0;
  p->center = sentence[i];
  p->num_groups = 0;
  for (int c = lo; c <= hi; ++c) {
    if (c == i) continue;
    const int32_t context = sentence[c];
    t[n++] = context;
    for (int d = 0; d < m.negative; ++d) {
      const int32_t negative = m.noise->Sample(rng);
      if (negative != context) t[n++] = negative;
    }
    p->ends[size_t(p->num_groups++)] = n;
  }
  const size_t bytes = m.stride * sizeof(float);
  for (int k = 0; k < n; ++k) PrefetchRow(m.output->row(size_t(t[k])), bytes);
  PrefetchRow(m.input->row(size_t(p->center)), bytes);
  const uint32_t* buckets = m.table->buckets(p->center);
  const int count = m.table->count(p->center);
  for (int b = 0; b < count; ++b) {
    PrefetchRow(m.subword_input->row(buckets[b]), bytes);
  }
}

// The batch rule over a sentence: center i + 1 is planned while center i
// trains.
void TrainSkipGramBatch(const SubwordModel& m, const int32_t* sentence,
                        int length, float alpha, Rng& rng, SubwordScratch& w,
                        double* loss_sum, uint64_t* loss_count) {
  if (length == 0) return;
  CenterPlan* current = &w.plans[0];
  CenterPlan* next = &w.plans[1];
  PlanCenter(m, sentence, length, 0, rng, next);
  for (int i = 0; i < length; ++i) {
    std::swap(current, next);
    if (i + 1 < length) PlanCenter(m, sentence, length, i + 1, rng, next);
    SubwordCenterStep(m, current->center, current->targets.data(),
                      current->ends.data(), current->num_groups, alpha, w,
                      loss_sum);
    if (current->num_groups > 0) {
      *loss_count += uint64_t(current->ends[size_t(current->num_groups - 1)]);
    }
  }
}

// fastText's skip-gram loop over a sentence (--update exact).
void TrainSkipGramExact(const SubwordModel& m, const int32_t* sentence,
                        int length, float alpha, Rng& rng, SubwordScratch& w,
                        double* loss_sum, uint64_t* loss_count) {
  int32_t* targets = w.targets.data();
  for (int i = 0; i < length; ++i) {
    const int radius = m.window - int(rng.Below(uint32_t(m.window)));
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

// One context word's coefficients from its scores s[0, n) (s[0] the context
// word, label 1; the negatives label 0) as HiddenStep computes them: g =
// alpha (label - sigma(f)), 0 beyond the table's range. Returns the loss.
double GroupCoefficients(const SigmoidTable& sigmoid, const float* s, int n,
                         float alpha, float* __restrict g) {
  double loss = 0;
  for (int t = 0; t < n; ++t) {
    const float label = t == 0 ? 1.0f : 0.0f;
    g[t] = (label - sigmoid.Sigmoid(s[t])) * alpha;
    loss -= sigmoid.LogSigmoid(t == 0 ? s[t] : -s[t]);
  }
  return loss;
}

// SubwordTable::mean_shift of a word with n-gram rows [begin, end).
float MeanShift(const uint32_t* begin, const uint32_t* end) {
  std::vector<uint32_t> sorted(begin, end);
  std::sort(sorted.begin(), sorted.end());
  size_t squares = 1;  // the word's own row
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    squares += (j - i) * (j - i);
    i = j;
  }
  return float(squares) / float(sorted.size() + 1);
}

}  // namespace

SubwordTable::SubwordTable(const Vocabulary& vocab, const SubwordSpec& spec) {
  offsets_.reserve(vocab.size() + 1);
  offsets_.push_back(0);
  for (size_t w = 0; w < vocab.size(); ++w) {
    AppendNgramBuckets(vocab.word(int32_t(w)), spec, &buckets_);
    offsets_.push_back(buckets_.size());
    max_count_ = std::max(max_count_, int(offsets_[w + 1] - offsets_[w]));
    mean_shift_.push_back(MeanShift(buckets_.data() + offsets_[w],
                                    buckets_.data() + offsets_[w + 1]));
  }
}

size_t MaxSubwordRows(const SubwordModel& m) {
  const size_t per_word = size_t(m.table->max_count()) + 1;
  return m.cbow ? 2 * size_t(m.window) * per_word : per_word;
}

void ComposeHidden(const SubwordModel& m, int32_t word,
                   float* __restrict hidden) {
  std::vector<float*> rows(size_t(m.table->count(word)) + 1);
  const int n = AppendWordRows(m, word, rows.data(), 0);
  MeanOfRows(rows.data(), n, m.stride, hidden);
}

void SubwordCenterStep(const SubwordModel& m, int32_t center,
                       const int32_t* targets, const int* ends, int num_groups,
                       float alpha, SubwordScratch& w, double* loss_sum) {
  if (num_groups == 0) return;
  const SgnsKernels& k = *m.kernels;
  const size_t n = m.stride;
  float** rows = w.rows.data();
  float** out = w.out.data();
  float* hidden = w.hidden();
  float* total = w.grad();
  float* error = w.error();
  const int num_rows = AppendWordRows(m, center, rows, 0);
  const float shift = m.table->mean_shift(center);
  k.average(rows, num_rows, n, 1.0f / float(num_rows), hidden);
  std::fill(total, total + n, 0.0f);
  for (int g = 0, begin = 0; g < num_groups; begin = ends[g++]) {
    const int count = ends[g] - begin;
    for (int t = 0; t < count; ++t) {
      out[t] = m.output->row(size_t(targets[begin + t]));
    }
    // Hogwild: rows may be written by other threads concurrently (intended).
    const float* h = hidden;
    k.dot_block(&h, 1, out, count, n, w.scores.data());
    *loss_sum += GroupCoefficients(*m.sigmoid, w.scores.data(), count, alpha,
                                   w.coef.data());
    k.hidden_update(hidden, out, count, n, w.coef.data(), error);
    k.axpy(shift, error, hidden, n);  // fastText's recomputed mean
    k.axpy(1.0f, error, total, n);
  }
  k.scatter_add(total, rows, num_rows, n);
}

void SubwordStep(const SubwordModel& m, int32_t center, const int32_t* targets,
                 int num_targets, float alpha, SubwordScratch& w,
                 double* loss_sum) {
  const int num_rows = AppendWordRows(m, center, w.rows.data(), 0);
  HiddenStep(m, num_rows, targets, num_targets, alpha, w, loss_sum);
}

void SubwordCbowStep(const SubwordModel& m, const int32_t* sentence, int length,
                     int i, int radius, const int32_t* targets, int num_targets,
                     float alpha, SubwordScratch& w, double* loss_sum) {
  const int lo = std::max(0, i - radius);
  const int hi = std::min(length - 1, i + radius);
  int num_rows = 0;
  for (int c = lo; c <= hi; ++c) {
    if (c != i)
      num_rows = AppendWordRows(m, sentence[c], w.rows.data(), num_rows);
  }
  if (num_rows == 0) return;
  HiddenStep(m, num_rows, targets, num_targets, alpha, w, loss_sum);
}

void TrainSentenceSubwords(const SubwordModel& m, const int32_t* sentence,
                           int length, float alpha, Rng& rng, SubwordScratch& w,
                           double* loss_sum, uint64_t* loss_count) {
  if (!m.cbow) {
    if (m.exact) {
      TrainSkipGramExact(m, sentence, length, alpha, rng, w, loss_sum,
                         loss_count);
    } else {
      TrainSkipGramBatch(m, sentence, length, alpha, rng, w, loss_sum,
                         loss_count);
    }
    return;
  }
  int32_t* targets = w.targets.data();
  for (int i = 0; i < length; ++i) {
    const int radius = m.window - int(rng.Below(uint32_t(m.window)));
    if (length < 2) continue;  // no context word
    const int n = DrawTargets(m, sentence[i], rng, targets);
    SubwordCbowStep(m, sentence, length, i, radius, targets, n, alpha, w,
                    loss_sum);
    *loss_count += uint64_t(n);
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
