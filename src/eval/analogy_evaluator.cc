#include "wembed/eval/analogy_evaluator.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "wembed/text/ascii_text.h"
#include "base/buffered_reader.h"
#include "eval/score_kernels.h"

namespace wembed {
namespace {

// Candidates scored per block (a multiple of kGemmCols), fewer for long
// vectors (BlockColsFor).
constexpr size_t kBlockCols = 128;
// Most bytes of a thread's transposed candidate block (dim x columns) as
// long as a block has more than kGemmCols columns: without this bound, a
// file of a few very long vectors would cost dim x 128 floats per thread.
constexpr size_t kMaxBlockBytes = size_t{4} << 20;
// Most distinct question words solved in one pass; bounds the per-thread
// score block to kMaxChunkWords x kBlockCols floats.
constexpr size_t kMaxChunkWords = 2048;
// gensim's evaluate_word_analogies looks at this many neighbours.
constexpr size_t kGensimTopN = 5;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();
// Relative slack when comparing a kernel's block bound with an exact score.
constexpr float kBoundMargin = 1e-5f;

size_t CandidateRows(size_t rows, const AnalogyOptions& o) {
  if (o.protocol == AnalogyProtocol::kAllInDenominator ||
      o.restrict_vocab == 0) {
    return rows;
  }
  return std::min(rows, o.restrict_vocab);
}

std::vector<std::string> TakeWords(Embeddings& e, size_t n) {
  std::vector<std::string> w = std::move(e.words);
  w.resize(std::min(n, w.size()));
  return w;
}

Matrix TakeRows(Embeddings& e, size_t n) {
  Matrix m;
  if (n >= e.vectors.rows()) {
    m = std::move(e.vectors);
  } else {
    m = Matrix(n, e.vectors.cols());
    if (n > 0) {
      std::memcpy(m.data(), e.vectors.data(),
                  n * e.vectors.stride() * sizeof(float));
    }
  }
  m.NormalizeRows();
  return m;
}


// Index of the first maximum of t[0, n), n > 0.
size_t ArgMax(const float* t, size_t n, float* max_out) {
  float m[8];
  for (float& x : m) x = kNegInf;
  size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    for (int l = 0; l < 8; ++l) m[l] = t[j + l] > m[l] ? t[j + l] : m[l];
  }
  float best = kNegInf;
  for (int l = 0; l < 8; ++l) best = m[l] > best ? m[l] : best;
  for (; j < n; ++j) best = t[j] > best ? t[j] : best;
  size_t k = 0;
  while (k < n && t[k] != best) ++k;
  *max_out = best;
  return k < n ? k : 0;
}

inline float MulScore(float sa, float sb, float sc) {
  return ((sb + 1.0f) * 0.5f) * ((sc + 1.0f) * 0.5f) /
         ((sa + 1.0f) * 0.5f + kCosMulEpsilon);
}

float Dot(const float* x, const float* y, size_t n) {
  double s = 0;
  for (size_t k = 0; k < n; ++k) s += double(x[k]) * y[k];
  return static_cast<float>(s);
}

}  // namespace

size_t AnalogyQuestionSet::num_questions() const {
  size_t n = 0;
  for (const AnalogySection& s : sections) n += s.questions.size();
  return n;
}

void AnalogyCounts::Add(const AnalogyCounts& o) {
  questions += o.questions;
  seen += o.seen;
  seen_in_vocab += o.seen_in_vocab;
  correct_add += o.correct_add;
  correct_mul += o.correct_mul;
}

double AnalogyAccuracy(const AnalogyCounts& counts, bool mul,
                       AnalogyProtocol protocol) {
  const size_t denom = protocol == AnalogyProtocol::kSkipUnknown
                           ? counts.seen
                           : counts.questions;
  if (denom == 0) return 0.0;
  return 100.0 * double(mul ? counts.correct_mul : counts.correct_add) /
         double(denom);
}

namespace {

// gensim: line.lstrip(': ').strip()
std::string SectionName(std::string_view line) {
  size_t b = 0;
  while (b < line.size() && (line[b] == ':' || line[b] == ' ')) ++b;
  size_t e = line.size();
  while (e > b && IsAsciiSpace(line[e - 1])) --e;
  return std::string(line.substr(b, e - b));
}

}  // namespace

StatusOr<AnalogyQuestionSet> ReadAnalogyQuestions(const std::string& path,
                                                  const Env& env) {
  AnalogyQuestionSet set;
  set.path = path;
  WEMBED_RETURN_IF_ERROR(ForEachLine(
      path, env, [&](std::string_view line, uint64_t line_no) {
        if (line.substr(0, 2) == ": ") {
          set.sections.push_back({SectionName(line), {}});
          return Status::Ok();
        }
        const std::vector<std::string_view> w = SplitOnAsciiSpace(line);
        if (w.empty()) return Status::Ok();
        if (set.sections.empty()) {
          return Status::Corruption(path + ": line " + std::to_string(line_no) +
                                    ": question before the first ': section' "
                                    "header line");
        }
        if (w.size() != 4) {
          ++set.skipped_lines;
          return Status::Ok();
        }
        set.sections.back().questions.push_back(
            {std::string(w[0]), std::string(w[1]), std::string(w[2]),
             std::string(w[3]), size_t(line_no)});
        return Status::Ok();
      }));
  return set;
}

struct AnalogyEvaluator::Query {
  int32_t a, b, c;                      // canonical candidate rows
  uint32_t la = 0, lb = 0, lc = 0;      // rows in the chunk's word matrix
  size_t excl_begin = 0, excl_end = 0;  // into the chunk's exclusion list
  int32_t pred_add = -1, pred_mul = -1;
};

AnalogyEvaluator::AnalogyEvaluator(Embeddings embeddings,
                                   const AnalogyOptions& options,
                                   Embeddings query_only)
    : options_(options),
      words_(TakeWords(embeddings,
                       CandidateRows(embeddings.words.size(), options))),
      vectors_(TakeRows(embeddings, words_.size())),
      lookup_(words_, words_.size(), options.case_sensitive),
      query_words_(TakeWords(query_only, query_only.words.size())),
      query_vectors_(TakeRows(query_only, query_words_.size())),
      query_lookup_(query_words_, query_words_.size(),
                    options.case_sensitive) {}

int32_t AnalogyEvaluator::FindWord(const std::string& word) const {
  const int32_t r = lookup_.Find(word);
  if (r >= 0 || query_words_.empty()) return r;
  const int32_t q = query_lookup_.Find(word);
  return q < 0 ? -1 : static_cast<int32_t>(vectors_.rows()) + q;
}

const float* AnalogyEvaluator::QueryRow(int32_t row) const {
  const size_t r = static_cast<size_t>(row);
  return r < vectors_.rows() ? vectors_.row(r)
                             : query_vectors_.row(r - vectors_.rows());
}

void AnalogyEvaluator::ResolveSection(const AnalogySection& sec,
                                      size_t first_index,
                                      std::vector<Query>* queries,
                                      std::vector<size_t>* query_index,
                                      std::vector<int32_t>* expected,
                                      AnalogyCounts* counts) const {
  const int32_t candidates = static_cast<int32_t>(vectors_.rows());
  size_t qi = first_index;
  for (const AnalogyQuestion& q : sec.questions) {
    const int32_t a = FindWord(q.a), b = FindWord(q.b), c = FindWord(q.c),
                  d = FindWord(q.expected);
    ++qi;
    if (a < 0 || b < 0 || c < 0 || d < 0) continue;
    Query query{};
    query.a = a;
    query.b = b;
    query.c = c;
    queries->push_back(query);
    query_index->push_back(qi - 1);
    // A query-only expected word is never predicted.
    expected->push_back(d < candidates ? d : -2);
    ++counts->seen;
    if (std::max({a, b, c, d}) < candidates) ++counts->seen_in_vocab;
  }
}

AnalogyResult AnalogyEvaluator::Evaluate(
    const AnalogyQuestionSet& questions) const {
  AnalogyResult result;
  const size_t n = questions.num_questions();
  result.predicted_add.assign(n, -1);
  result.predicted_mul.assign(n, -1);

  // Resolve the words; keep the seen questions.
  std::vector<Query> queries;
  std::vector<size_t> query_index;  // question index of each query
  std::vector<int32_t> expected;    // canonical row of d per query
  size_t qi = 0;
  for (const AnalogySection& sec : questions.sections) {
    AnalogySectionResult sr;
    sr.name = sec.name;
    sr.syntactic = sec.name.rfind("gram", 0) == 0;
    sr.counts.questions = sec.questions.size();
    ResolveSection(sec, qi, &queries, &query_index, &expected, &sr.counts);
    qi += sec.questions.size();
    result.sections.push_back(std::move(sr));
  }

  Solve(queries);

  // Score, section by section (queries are in question order).
  size_t k = 0;
  qi = 0;
  for (size_t s = 0; s < questions.sections.size(); ++s) {
    AnalogySectionResult& sr = result.sections[s];
    const size_t end = qi + questions.sections[s].questions.size();
    for (; k < queries.size() && query_index[k] < end; ++k) {
      const Query& q = queries[k];
      if (options_.method_add) {
        result.predicted_add[query_index[k]] = q.pred_add;
        if (q.pred_add >= 0 &&
            lookup_.CanonicalRow(q.pred_add) == expected[k]) {
          ++sr.counts.correct_add;
        }
      }
      if (options_.method_mul) {
        result.predicted_mul[query_index[k]] = q.pred_mul;
        if (q.pred_mul >= 0 &&
            lookup_.CanonicalRow(q.pred_mul) == expected[k]) {
          ++sr.counts.correct_mul;
        }
      }
    }
    qi = end;
    (sr.syntactic ? result.syntactic : result.semantic).Add(sr.counts);
    result.total.Add(sr.counts);
  }
  return result;
}

void AnalogyEvaluator::Solve(std::vector<Query>& queries) const {
  // Chunks of queries with at most kMaxChunkWords distinct words.
  size_t begin = 0;
  while (begin < queries.size()) {
    std::unordered_map<int32_t, uint32_t> local;
    size_t end = begin;
    while (end < queries.size()) {
      const Query& q = queries[end];
      size_t add = 0;
      for (int32_t r : {q.a, q.b, q.c}) add += local.count(r) == 0;
      if (local.size() + add > kMaxChunkWords) break;
      for (int32_t r : {q.a, q.b, q.c}) local.emplace(r, 0);
      ++end;
    }
    SolveChunk(queries.data() + begin, end - begin);
    begin = end;
  }
}

// Best (score, row) so far; ties go to the lower row.
struct AnalogyEvaluator::Best {
  float score = kNegInf;
  int32_t row = -1;
  void Offer(float s, int32_t r) {
    if (row < 0 || s > score || (s == score && r < row)) {
      score = s;
      row = r;
    }
  }
};

// The distinct question words of a chunk of queries as rows of one matrix
// (padded to kGemmRows), and the candidates each query excludes: its
// words and their case variants.
struct AnalogyEvaluator::Chunk {
  Matrix words;
  std::vector<int32_t> excluded;
  std::vector<char> has_variants;  // per query
};

AnalogyEvaluator::Chunk AnalogyEvaluator::PrepareChunk(Query* queries,
                                                       size_t count) const {
  Chunk chunk;
  std::unordered_map<int32_t, uint32_t> local;
  std::vector<int32_t> rows;
  auto local_row = [&](int32_t r) {
    const auto [it, inserted] =
        local.emplace(r, static_cast<uint32_t>(rows.size()));
    if (inserted) rows.push_back(r);
    return it->second;
  };
  chunk.has_variants.assign(count, 0);
  for (size_t i = 0; i < count; ++i) {
    Query& q = queries[i];
    q.la = local_row(q.a);
    q.lb = local_row(q.b);
    q.lc = local_row(q.c);
    q.excl_begin = chunk.excluded.size();
    for (int32_t r : {q.a, q.b, q.c}) {
      if (size_t(r) >= vectors_.rows()) continue;  // query-only: no candidate
      chunk.excluded.push_back(r);
      for (int32_t v : lookup_.Variants(r)) {
        chunk.excluded.push_back(v);
        chunk.has_variants[i] = 1;
      }
    }
    q.excl_end = chunk.excluded.size();
  }
  const size_t padded = (rows.size() + kGemmRows - 1) / kGemmRows * kGemmRows;
  chunk.words = Matrix(padded, vectors_.cols());
  for (size_t i = 0; i < rows.size(); ++i) {
    std::memcpy(chunk.words.row(i), QueryRow(rows[i]),
                vectors_.stride() * sizeof(float));
  }
  return chunk;
}

namespace {

// Candidates per block for `rows` vectors of `dim`: kBlockCols, halved
// while the block's dim x columns floats exceed kMaxBlockBytes (down to
// kGemmCols), and no more than the rows rounded up to kGemmCols.
size_t BlockColsFor(size_t dim, size_t rows) {
  size_t cols = kBlockCols;
  while (cols > kGemmCols && cols * dim * sizeof(float) > kMaxBlockBytes) {
    cols /= 2;
  }
  const size_t rows_up = (rows + kGemmCols - 1) / kGemmCols * kGemmCols;
  return std::max(kGemmCols, std::min(cols, rows_up));
}

}  // namespace

// One thread's scratch and best answers so far.
struct AnalogyEvaluator::BlockScratch {
  BlockScratch(size_t dim, size_t cols, size_t words, size_t count, bool add,
               bool mul)
      : cols(cols),
        ct(dim, cols),
        scores(words * cols),
        best_add(add ? count : 0),
        best_mul(mul ? count : 0) {}
  size_t cols;                // candidates per block (BlockColsFor)
  Matrix ct;                  // candidate block, transposed
  std::vector<float> scores;  // chunk words x block candidates
  alignas(64) float tmp[kBlockCols];
  std::vector<Best> best_add, best_mul;
};

// Scores candidate block `blk` for every query of the chunk.
void AnalogyEvaluator::ScoreBlock(size_t blk, const Query* queries,
                                  size_t count, const Chunk& chunk,
                                  BlockScratch& s) const {
  const ScoreKernels& kernels = BestScoreKernels();
  const size_t dim = vectors_.cols();
  const size_t cols = s.cols;
  const size_t j0 = blk * cols;
  const size_t nb = std::min(cols, vectors_.rows() - j0);
  // Transpose (ct's stride is cols, already a multiple of 16).
  if (nb < cols) s.ct.Zero();
  for (size_t j = 0; j < nb; ++j) {
    const float* v = vectors_.row(j0 + j);
    for (size_t k = 0; k < dim; ++k) s.ct.row(k)[j] = v[k];
  }
  kernels.gemm_abt(chunk.words.data(), chunk.words.rows(), vectors_.stride(),
                   s.ct.data(), cols, dim, s.scores.data());
  for (size_t i = 0; i < count; ++i) {
    const Query& q = queries[i];
    const float* sa = s.scores.data() + q.la * cols;
    const float* sb = s.scores.data() + q.lb * cols;
    const float* sc = s.scores.data() + q.lc * cols;
    for (const bool mul : {false, true}) {
      if (mul ? !options_.method_mul : !options_.method_add) continue;
      Best& b = mul ? s.best_mul[i] : s.best_add[i];
      // Cheap vectorized bound first: most blocks cannot beat the best so
      // far (blocks come in increasing row order per thread, so a tie cannot
      // win either). The margin covers FMA rounding differences.
      if (b.row >= 0) {
        const float bound =
            mul ? kernels.max_mul(sa, sb, sc, nb, kCosMulEpsilon)
                : kernels.max_add(sa, sb, sc, nb);
        if (bound + kBoundMargin * (1.0f + std::fabs(bound)) < b.score) {
          continue;
        }
      }
      for (size_t j = 0; j < nb; ++j) {
        s.tmp[j] = mul ? MulScore(sa[j], sb[j], sc[j]) : (sb[j] - sa[j]) + sc[j];
      }
      for (size_t e = q.excl_begin; e < q.excl_end; ++e) {
        const size_t r = static_cast<size_t>(chunk.excluded[e]);
        if (r >= j0 && r < j0 + nb) s.tmp[r - j0] = kNegInf;
      }
      float m;
      const size_t j = ArgMax(s.tmp, nb, &m);
      if (m != kNegInf) b.Offer(m, static_cast<int32_t>(j0 + j));
    }
  }
}

// gensim excludes only the question words' own rows, then takes the first
// of the top 5 whose key is not a question word: if 5 or more case variants
// of the question words beat every other candidate, its answer is the 5th
// of them. Adjusts q's predictions to match.
void AnalogyEvaluator::ApplyCaseVariants(Query& q, const Chunk& chunk,
                                         const Best& best_add,
                                         const Best& best_mul) const {
  const size_t dim = vectors_.cols();
  const float* va = QueryRow(q.a);
  const float* vb = QueryRow(q.b);
  const float* vc = QueryRow(q.c);
  std::vector<std::pair<float, int32_t>> var_add, var_mul;
  for (size_t e = q.excl_begin; e < q.excl_end; ++e) {
    const int32_t r = chunk.excluded[e];
    if (r == q.a || r == q.b || r == q.c) continue;
    const float* v = vectors_.row(r);
    const float sa = Dot(v, va, dim), sb = Dot(v, vb, dim),
                sc = Dot(v, vc, dim);
    if (options_.method_add) var_add.push_back({(sb - sa) + sc, r});
    if (options_.method_mul) var_mul.push_back({MulScore(sa, sb, sc), r});
  }
  auto apply = [](std::vector<std::pair<float, int32_t>>& var,
                  const Best& best, int32_t* pred) {
    std::sort(var.begin(), var.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    var.erase(std::unique(var.begin(), var.end()), var.end());
    size_t ahead = 0;
    while (ahead < var.size() &&
           (best.row < 0 || var[ahead].first > best.score)) {
      ++ahead;
    }
    if (ahead >= kGensimTopN) *pred = var[kGensimTopN - 1].second;
  };
  if (options_.method_add) apply(var_add, best_add, &q.pred_add);
  if (options_.method_mul) apply(var_mul, best_mul, &q.pred_mul);
}

void AnalogyEvaluator::SolveChunk(Query* queries, size_t count) const {
  if (count == 0 || vectors_.rows() == 0) return;
  const bool add = options_.method_add;
  const bool mul = options_.method_mul;
  const Chunk chunk = PrepareChunk(queries, count);
  const size_t cols = BlockColsFor(vectors_.cols(), vectors_.rows());
  const size_t num_blocks = (vectors_.rows() + cols - 1) / cols;
  std::vector<Best> best_add(add ? count : 0), best_mul(mul ? count : 0);
  const int threads =
      options_.threads > 0 ? options_.threads : omp_get_max_threads();
  // An exception must not leave the parallel region (std::terminate): a
  // thread that cannot allocate its scratch skips its blocks, and
  // std::bad_alloc is thrown after the region, on the calling thread.
  std::atomic<bool> out_of_memory{false};
#pragma omp parallel num_threads(threads)
  {
    std::optional<BlockScratch> scratch;
    try {
      scratch.emplace(vectors_.cols(), cols, chunk.words.rows(), count, add,
                      mul);
    } catch (const std::bad_alloc&) {
      out_of_memory.store(true);
    }
#pragma omp for schedule(dynamic, 1)
    for (size_t blk = 0; blk < num_blocks; ++blk) {
      if (scratch) ScoreBlock(blk, queries, count, chunk, *scratch);
    }
#pragma omp critical
    for (size_t i = 0; scratch && i < count; ++i) {
      if (add && scratch->best_add[i].row >= 0) {
        best_add[i].Offer(scratch->best_add[i].score, scratch->best_add[i].row);
      }
      if (mul && scratch->best_mul[i].row >= 0) {
        best_mul[i].Offer(scratch->best_mul[i].score, scratch->best_mul[i].row);
      }
    }
  }
  if (out_of_memory.load()) throw std::bad_alloc();
  for (size_t i = 0; i < count; ++i) {
    Query& q = queries[i];
    if (add) q.pred_add = best_add[i].row;
    if (mul) q.pred_mul = best_mul[i].row;
    if (chunk.has_variants[i]) {
      ApplyCaseVariants(q, chunk, add ? best_add[i] : Best(),
                        mul ? best_mul[i] : Best());
    }
  }
}

}  // namespace wembed
