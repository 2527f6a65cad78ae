// The binary vocabulary payload shared by checkpoints and encoded corpora:
// u64 count V, then V times: the word (u32 length, then its bytes) and its
// count (u64), in id order; little-endian. Words are non-empty, unique and
// free of whitespace and NUL (Vocabulary::FromWordsAndCounts).
#ifndef WEMBED_SRC_CORPUS_VOCABULARY_CODING_H_
#define WEMBED_SRC_CORPUS_VOCABULARY_CODING_H_

#include <string>
#include <string_view>

#include "wembed/base/status.h"
#include "wembed/corpus/vocabulary.h"

namespace wembed {

std::string EncodeVocabularyPayload(const Vocabulary& vocab);

// InvalidArgument for a payload that is not one vocabulary; its message
// continues a phrase naming the section (" declares 5 words but holds only
// 3 bytes", ": word 2 runs past the end of the section").
StatusOr<Vocabulary> DecodeVocabularyPayload(std::string_view payload);

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_VOCABULARY_CODING_H_
