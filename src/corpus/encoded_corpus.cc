#include "wembed/corpus/encoded_corpus.h"

#include <cstring>

#include "base/coding.h"

namespace wembed {

size_t EncodedCorpus::NextSentenceStart(size_t offset) const {
  if (offset == 0) return 0;
  if (offset >= bytes_.size()) return bytes_.size();
  // A sentence starts at `offset` if the byte before it ends a sentence.
  const void* end =
      std::memchr(bytes_.data() + offset - 1, 0, bytes_.size() - (offset - 1));
  if (end == nullptr) return bytes_.size();
  return static_cast<const uint8_t*>(end) - bytes_.data() + 1;
}

uint64_t EncodedCorpus::Fingerprint() const {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  for (uint8_t b : bytes_) {
    h ^= b;
    h *= 0x100000001b3ULL;  // FNV-1a 64 prime
  }
  return h;
}

void EncodedCorpus::AppendToken(std::vector<uint8_t>* out, uint32_t id) {
  uint8_t buf[kMaxVarint64Bytes];
  const uint8_t* end = EncodeVarint64(buf, uint64_t{id} + 1);
  const uint8_t* begin = buf;
  out->insert(out->end(), begin, end);
}

}  // namespace wembed
