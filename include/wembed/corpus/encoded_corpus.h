// EncodedCorpus: the training corpus tokenized once and stored as a compact
// byte stream that every epoch reads in parallel without re-tokenizing.
//
// Format (in memory only): each in-vocabulary token is LEB128 varint of
// (word id + 1); a 0x00 byte ends a sentence. Because a varint of a value >= 1
// never contains a 0x00 byte, any byte offset can be aligned to the next
// sentence start by scanning for 0x00. Out-of-vocabulary tokens are dropped
// (word2vec skips them too). Immutable after building; thread-safe to read.
#ifndef WEMBED_CORPUS_ENCODED_CORPUS_H_
#define WEMBED_CORPUS_ENCODED_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace wembed {

class EncodedCorpus {
 public:
  EncodedCorpus() = default;
  EncodedCorpus(std::vector<uint8_t> bytes, uint64_t num_tokens,
                uint64_t num_sentences)
      : bytes_(std::move(bytes)),
        num_tokens_(num_tokens),
        num_sentences_(num_sentences) {}

  const uint8_t* data() const { return bytes_.data(); }
  size_t size_bytes() const { return bytes_.size(); }
  // In-vocabulary tokens stored (sentence ends excluded).
  uint64_t num_tokens() const { return num_tokens_; }
  uint64_t num_sentences() const { return num_sentences_; }

  // The smallest sentence start >= offset (a sentence starts at 0 and right
  // after each 0x00 byte); size_bytes() if there is none.
  size_t NextSentenceStart(size_t offset) const;

  // 64-bit FNV-1a hash of the bytes: detects a changed corpus on resume.
  uint64_t Fingerprint() const;

  // Appends one sentence end marker / one token. For builders and tests.
  static void AppendToken(std::vector<uint8_t>* out, uint32_t id);
  static void AppendSentenceEnd(std::vector<uint8_t>* out) {
    out->push_back(0);
  }

 private:
  std::vector<uint8_t> bytes_;
  uint64_t num_tokens_ = 0;
  uint64_t num_sentences_ = 0;
};

}  // namespace wembed

#endif  // WEMBED_CORPUS_ENCODED_CORPUS_H_
