#include "corpus/vocabulary_coding.h"

#include <utility>
#include <vector>

#include "base/coding.h"

namespace wembed {
namespace {

constexpr size_t kMinEntryBytes = 13;  // length u32, >= 1 byte, count u64

}  // namespace

std::string EncodeVocabularyPayload(const Vocabulary& vocab) {
  size_t size = 8;
  for (const std::string& w : vocab.words()) size += 12 + w.size();
  std::string out;
  out.reserve(size);
  PutFixed64(&out, vocab.size());
  for (size_t i = 0; i < vocab.size(); ++i) {
    PutLengthPrefixed(&out, vocab.words()[i]);
    PutFixed64(&out, vocab.counts()[i]);
  }
  return out;
}

StatusOr<Vocabulary> DecodeVocabularyPayload(std::string_view payload) {
  ByteDecoder d(payload);
  uint64_t count;
  if (!d.Fixed64(&count)) {
    return Status::InvalidArgument(" is too short");
  }
  if (count > d.remaining() / kMinEntryBytes) {
    return Status::InvalidArgument(" declares " + std::to_string(count) +
                                   " words but holds only " +
                                   std::to_string(d.remaining()) + " bytes");
  }
  std::vector<std::string> words(count);
  std::vector<uint64_t> counts(count);
  for (uint64_t i = 0; i < count; ++i) {
    if (!d.LengthPrefixed(&words[i]) || !d.Fixed64(&counts[i])) {
      return Status::InvalidArgument(": word " + std::to_string(i) +
                                     " runs past the end of the section");
    }
  }
  if (d.remaining() != 0) {
    return Status::InvalidArgument("the vocabulary has " +
                                   std::to_string(d.remaining()) +
                                   " unexpected bytes after its last word");
  }
  StatusOr<Vocabulary> v =
      Vocabulary::FromWordsAndCounts(std::move(words), std::move(counts));
  if (!v.ok()) return Status::InvalidArgument(": " + v.status().message());
  return v;
}

}  // namespace wembed
