#include "train/subword_training.h"

#include <algorithm>

namespace wembed {

SubwordTable::SubwordTable(const Vocabulary& vocab, const SubwordSpec& spec) {
  offsets_.reserve(vocab.size() + 1);
  offsets_.push_back(0);
  for (size_t w = 0; w < vocab.size(); ++w) {
    AppendNgramBuckets(vocab.word(int32_t(w)), spec, &buckets_);
    offsets_.push_back(buckets_.size());
  }
}

void ComposeHidden(const SubwordModel& m, int32_t word,
                   float* __restrict hidden) {
  const size_t n = m.stride;
  const float* __restrict own = m.input->row(size_t(word));
  std::copy(own, own + n, hidden);
  const uint32_t* buckets = m.table->buckets(word);
  const int count = m.table->count(word);
  for (int b = 0; b < count; ++b) {
    const float* __restrict row = m.subword_input->row(buckets[b]);
    for (size_t c = 0; c < n; ++c) hidden[c] += row[c];
  }
  const float scale = 1.0f / float(count + 1);
  for (size_t c = 0; c < n; ++c) hidden[c] *= scale;
}

void SubwordStep(const SubwordModel& m, int32_t center, const int32_t* targets,
                 int num_targets, float alpha, SubwordScratch& w,
                 double* loss_sum) {
  const size_t n = m.stride;
  float* __restrict hidden = w.hidden.data();
  float* __restrict grad = w.grad.data();
  ComposeHidden(m, center, hidden);
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
  k.axpy(1.0f, grad, m.input->row(size_t(center)), n);
  const uint32_t* buckets = m.table->buckets(center);
  const int count = m.table->count(center);
  for (int b = 0; b < count; ++b) {
    k.axpy(1.0f, grad, m.subword_input->row(buckets[b]), n);
  }
}

void TrainSentenceSubwords(const SubwordModel& m, const int32_t* sentence,
                           int length, float alpha, Rng& rng,
                           SubwordScratch& w, double* loss_sum,
                           uint64_t* loss_count) {
  int32_t* targets = w.targets.data();
  for (int i = 0; i < length; ++i) {
    const int radius = m.window - int(rng.Below(uint32_t(m.window)));
    const int lo = std::max(0, i - radius);
    const int hi = std::min(length - 1, i + radius);
    for (int c = lo; c <= hi; ++c) {
      if (c == i) continue;
      int num_targets = 0;
      targets[num_targets++] = sentence[c];
      for (int d = 0; d < m.negative; ++d) {
        const int32_t negative = m.noise->Sample(rng);
        if (negative != sentence[c]) targets[num_targets++] = negative;
      }
      SubwordStep(m, sentence[i], targets, num_targets, alpha, w, loss_sum);
      *loss_count += uint64_t(num_targets);
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
