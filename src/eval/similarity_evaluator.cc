#include "wembed/eval/similarity_evaluator.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <string_view>
#include <unordered_set>

#include "wembed/text/ascii_text.h"
#include "base/buffered_reader.h"

namespace wembed {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool ParseDouble(std::string_view s, double* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(*out);
}

}  // namespace

namespace {

void NoteSkipped(std::string_view line, size_t line_no,
                 WordPairsReadInfo* info) {
  if (info->skipped_lines++ > 0) return;
  info->first_skipped_line = line_no;
  while (!line.empty() && IsAsciiSpace(line.back())) line.remove_suffix(1);
  info->first_skipped = std::string(line);
}

}  // namespace

StatusOr<std::vector<WordPair>> ReadWordPairs(const std::string& path,
                                              WordPairsReadInfo* info,
                                              const Env& env) {
  WordPairsReadInfo local;
  if (info == nullptr) info = &local;
  *info = WordPairsReadInfo();
  std::vector<WordPair> pairs;
  WEMBED_RETURN_IF_ERROR(ForEachLine(
      path, env, [&](std::string_view line, uint64_t line_no) {
        const std::vector<std::string_view> f = SplitOnAsciiSpace(line);
        if (f.empty() || f[0][0] == '#') return Status::Ok();
        if (f.size() != 3) {
          return Status::Corruption(
              path + ": line " + std::to_string(line_no) +
              ": expected 'word1 word2 score' (tab or space separated), "
              "found " +
              std::to_string(f.size()) + (f.size() == 1 ? " field" : " fields"));
        }
        WordPair p;
        if (!ParseDouble(f[2], &p.score)) {
          NoteSkipped(line, line_no, info);
          return Status::Ok();
        }
        p.a = std::string(f[0]);
        p.b = std::string(f[1]);
        p.line = line_no;
        pairs.push_back(std::move(p));
        return Status::Ok();
      }));
  return pairs;
}

std::vector<double> AverageRanks(const std::vector<double>& x) {
  const size_t n = x.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(n);
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && x[order[j]] == x[order[i]]) ++j;
    // Positions i..j-1 hold ranks i+1..j; each gets their mean.
    const double rank = 0.5 * double(i + 1 + j);
    for (size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

double PearsonCorrelation(const std::vector<double>& x,
                          const std::vector<double>& y) {
  const size_t n = x.size();
  if (n < 2 || y.size() != n) return kNaN;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= double(n);
  my /= double(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx <= 0 || syy <= 0) return kNaN;
  const double r = sxy / std::sqrt(sxx * syy);
  return std::clamp(r, -1.0, 1.0);
}

double SpearmanCorrelation(const std::vector<double>& x,
                           const std::vector<double>& y) {
  if (x.size() != y.size()) return kNaN;
  return PearsonCorrelation(AverageRanks(x), AverageRanks(y));
}

SimilarityEvaluator::SimilarityEvaluator(const Embeddings& embeddings,
                                         const SimilarityOptions& options)
    : embeddings_(embeddings),
      options_(options),
      lookup_(embeddings.words,
              options.restrict_vocab > 0 ? options.restrict_vocab
                                         : embeddings.words.size(),
              options.case_sensitive) {}

StatusOr<SimilarityResult> SimilarityEvaluator::Evaluate(
    const std::vector<WordPair>& pairs) const {
  SimilarityResult result;
  result.pairs_total = pairs.size();
  result.cosines.assign(pairs.size(), kNaN);
  std::vector<double> gold, model;
  std::unordered_set<std::string> unknown;
  const Matrix& m = embeddings_.vectors;
  const size_t dim = m.cols();
  for (size_t i = 0; i < pairs.size(); ++i) {
    const int32_t a = lookup_.Find(pairs[i].a);
    const int32_t b = lookup_.Find(pairs[i].b);
    for (const auto& [row, word] :
         {std::pair{a, &pairs[i].a}, std::pair{b, &pairs[i].b}}) {
      if (row < 0 && unknown.insert(*word).second) {
        result.unknown_words.push_back(*word);
      }
    }
    if (a < 0 || b < 0) continue;
    if (options_.vocab_rows == 0 ||
        (size_t(a) < options_.vocab_rows && size_t(b) < options_.vocab_rows)) {
      ++result.pairs_in_vocab;
    }
    const float* va = m.row(a);
    const float* vb = m.row(b);
    double ab = 0, aa = 0, bb = 0;
    for (size_t k = 0; k < dim; ++k) {
      ab += double(va[k]) * vb[k];
      aa += double(va[k]) * va[k];
      bb += double(vb[k]) * vb[k];
    }
    // Vectors of denormal norm count as zero (Matrix::NormalizeRows).
    const double tiny = std::numeric_limits<float>::min();
    const double cos = std::sqrt(aa) >= tiny && std::sqrt(bb) >= tiny
                           ? ab / std::sqrt(aa * bb)
                           : 0.0;
    result.cosines[i] = cos;
    gold.push_back(pairs[i].score);
    model.push_back(cos);
  }
  result.pairs_used = gold.size();
  if (result.pairs_used == 0) {
    return Status::InvalidArgument("none of the " +
                                   std::to_string(pairs.size()) +
                                   " pairs has both words in the vocabulary");
  }
  result.spearman = SpearmanCorrelation(gold, model);
  result.pearson = PearsonCorrelation(gold, model);
  return result;
}

}  // namespace wembed
