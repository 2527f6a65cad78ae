// Character n-grams of words, as fastText's subword model uses them: the
// word is wrapped as "<word>", its n-grams of MIN..MAX UTF-8 characters are
// hashed with fastText's FNV-1a variant and taken modulo a bucket count.
// docs/training.md ("Subwords") documents the choices.
#ifndef WEMBED_TEXT_SUBWORDS_H_
#define WEMBED_TEXT_SUBWORDS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wembed {

// The subword settings of a model. min_n == 0 means subwords are off.
struct SubwordSpec {
  int min_n = 0;
  int max_n = 0;
  uint64_t buckets = 0;
  bool enabled() const { return min_n > 0; }
  bool operator==(const SubwordSpec&) const = default;
};

// fastText's hash: h = 2166136261; for each byte b:
// h ^= uint32_t(int8_t(b)); h *= 16777619 (the byte sign-extended, as
// fastText's `hash` does on a signed char).
uint32_t SubwordHash(std::string_view bytes);

// Appends to *out the n-grams of "<" + word + ">" of min_n..max_n
// characters, in fastText's order (by start character, then by length).
// Characters are UTF-8 sequences: a lead byte and the continuation bytes
// (10xxxxxx) after it; an n-gram never starts at a continuation byte. As in
// fastText's computeSubwords, a 1-character n-gram that is "<" or ">" is
// skipped, and the whole "<word>" is an n-gram when its length is within
// min_n..max_n. Duplicates are kept (fastText keeps them too). Requires
// 1 <= min_n <= max_n.
void AppendNgrams(std::string_view word, int min_n, int max_n,
                  std::vector<std::string>* out);

// Appends the bucket of each of AppendNgrams' n-grams:
// SubwordHash(ngram) % spec.buckets. Requires spec.enabled() and
// spec.buckets >= 1. Allocation-free when *out has the capacity.
void AppendNgramBuckets(std::string_view word, const SubwordSpec& spec,
                        std::vector<uint32_t>* out);

}  // namespace wembed

#endif  // WEMBED_TEXT_SUBWORDS_H_
