// ScanCorpus: the single pass over the raw corpus that counts words into a
// Vocabulary and (optionally) encodes the corpus as an EncodedCorpus.
//
// Inputs are file paths or "-" for stdin; each may be plain text or gzip
// (detected by magic bytes, multi-member gzip supported). Files are read in
// the order given; the end of each file ends a sentence. Memory stays bounded:
// when the count table exceeds VocabOptions::max_table_entries, the rarest
// entries are pruned (word2vec's ReduceVocab) and ScanStats says so.
#ifndef WEMBED_CORPUS_CORPUS_SCANNER_H_
#define WEMBED_CORPUS_CORPUS_SCANNER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "wembed/corpus/encoded_corpus.h"
#include "wembed/base/env.h"
#include "wembed/base/status.h"
#include "wembed/text/tokenizer.h"
#include "wembed/corpus/vocabulary.h"

namespace wembed {

// Most distinct tokens VocabOptions::max_table_entries may allow.
inline constexpr uint64_t kMaxCountTableEntries = uint64_t{1} << 31;

struct VocabOptions {
  uint64_t min_count = 5;
  uint64_t max_vocab = 0;                 // 0 = no limit
  uint64_t max_table_entries = 30000000;  // distinct tokens held while counting
};

struct ScanStats {
  uint64_t bytes_read = 0;       // uncompressed bytes
  uint64_t total_tokens = 0;     // all tokens, in vocabulary or not
  uint64_t distinct_tokens = 0;  // distinct tokens seen (after pruning)
  uint64_t sentences = 0;
  uint64_t prune_rounds = 0;     // times the count table was pruned
  uint64_t prune_threshold = 0;  // counts <= this were dropped when pruning
  double seconds = 0;
};

struct ScanRequest {
  std::vector<std::string> inputs;
  TokenizerOptions tokenizer;
  VocabOptions vocab;
  bool encode = false;  // also build ScanResult::corpus
  // When set, no counting: this vocabulary is used as is (word2vec's
  // -read-vocab) and only the encoding is done.
  const Vocabulary* fixed_vocab = nullptr;
  // When set and it becomes true, the scan stops at the next chunk (a few
  // MB) and returns StatusCode::kCancelled.
  const std::atomic<bool>* cancel = nullptr;
  // Called about once a second from the scanning thread. May be empty.
  std::function<void(const ScanStats&)> progress;
  // The file layer (fault injection in tests); null = Env::Default().
  const Env* env = nullptr;
};

struct ScanResult {
  Vocabulary vocab;
  EncodedCorpus corpus;  // empty unless ScanRequest::encode
  ScanStats stats;
};

// Errors: NotFound/IoError naming the file; Corruption for a bad gzip
// stream; InvalidArgument for an empty corpus or an empty vocabulary.
StatusOr<ScanResult> ScanCorpus(const ScanRequest& request);

}  // namespace wembed

#endif  // WEMBED_CORPUS_CORPUS_SCANNER_H_
