#include "wembed/corpus/synthetic_corpus.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/atomic_file_writer.h"
#include "base/rng.h"

namespace wembed {
namespace {

constexpr int kTypeContextWords = 8;      // per word type
constexpr int kIdentityContextWords = 4;  // per pair
constexpr int kTypeContextsPerSentence = 2;
constexpr int kIdentityContextsPerSentence = 2;

struct Relation {
  const char* section;
  const char* left;   // e.g. "country"
  const char* right;  // e.g. "capital"
};

constexpr Relation kRelations[] = {
    {"capital-synthetic", "country", "capital"},
    {"gram-gender-synthetic", "male", "female"},
};

std::string Name(const char* stem, int i) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s%02d", stem, i);
  return buf;
}

}  // namespace

SyntheticCorpus GenerateSyntheticCorpus(const SyntheticCorpusOptions& o) {
  SyntheticCorpus out;
  Rng rng(o.seed);

  // Zipf(1) cumulative weights over the filler vocabulary.
  std::vector<double> filler_cdf(o.filler_words);
  double total = 0;
  for (int i = 0; i < o.filler_words; ++i) {
    total += 1.0 / (i + 1);
    filler_cdf[i] = total;
  }

  std::vector<std::string> words;
  for (int s = 0; s < o.sentences; ++s) {
    const int r = int(rng.Below(2));
    const int pair = int(rng.Below(uint32_t(o.pairs)));
    const bool right = rng.Below(2) == 1;
    const Relation& rel = kRelations[r];
    const std::string type = right ? rel.right : rel.left;
    words.clear();
    words.push_back(Name(type.c_str(), pair));
    for (int k = 0; k < kTypeContextsPerSentence; ++k) {
      words.push_back(
          Name((type + "ctx").c_str(), int(rng.Below(kTypeContextWords))));
    }
    const std::string identity = std::string(rel.left) + Name("id", pair) + "x";
    for (int k = 0; k < kIdentityContextsPerSentence; ++k) {
      words.push_back(
          Name(identity.c_str(), int(rng.Below(kIdentityContextWords))));
    }
    for (int k = 0; k < o.fillers_per_sentence && o.filler_words > 0; ++k) {
      const double u = rng.UniformFloat() * total;
      const int f =
          int(std::lower_bound(filler_cdf.begin(), filler_cdf.end(), u) -
              filler_cdf.begin());
      words.push_back(Name("w", std::min(f, o.filler_words - 1)));
    }
    // Fisher-Yates shuffle so positions carry no information.
    for (size_t i = words.size() - 1; i > 0; --i) {
      std::swap(words[i], words[rng.Below(uint32_t(i + 1))]);
    }
    for (size_t i = 0; i < words.size(); ++i) {
      if (i > 0) out.text += ' ';
      out.text += words[i];
    }
    out.text += '\n';
  }

  for (const Relation& rel : kRelations) {
    out.questions += std::string(": ") + rel.section + "\n";
    for (int a = 0; a < o.pairs; ++a) {
      for (int b = 0; b < o.pairs; ++b) {
        if (a == b) continue;
        out.questions += Name(rel.left, a) + " " + Name(rel.right, a) + " " +
                         Name(rel.left, b) + " " + Name(rel.right, b) + "\n";
        ++out.num_questions;
      }
    }
  }
  return out;
}

Status WriteSyntheticCorpus(const SyntheticCorpus& corpus,
                            const std::string& text_path,
                            const std::string& questions_path,
                            const Env& env) {
  std::error_code ec1, ec2;
  if (std::filesystem::weakly_canonical(text_path, ec1) ==
          std::filesystem::weakly_canonical(questions_path, ec2) &&
      !ec1 && !ec2) {
    return Status::InvalidArgument(
        "the corpus and the questions would both "
        "be written to " +
        text_path);
  }
  // Both are written to temp files first and renamed only when both are
  // complete, so a failure never leaves one new file beside one old one.
  AtomicFileWriter text(text_path, env), questions(questions_path, env);
  WEMBED_RETURN_IF_ERROR(text.Open());
  WEMBED_RETURN_IF_ERROR(questions.Open());
  WEMBED_RETURN_IF_ERROR(text.Append(corpus.text.data(), corpus.text.size()));
  WEMBED_RETURN_IF_ERROR(
      questions.Append(corpus.questions.data(), corpus.questions.size()));
  WEMBED_RETURN_IF_ERROR(questions.Commit());
  return text.Commit();
}

}  // namespace wembed
