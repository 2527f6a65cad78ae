// ScanCorpus: the single pass over the raw corpus that counts words into a
// Vocabulary and (optionally) encodes the corpus as an EncodedCorpus.
//
// Inputs are files, directories, "@list" files and "-" for stdin (see
// ExpandInputs, wembed/corpus/input_files.h); each file may be plain text or
// gzip (detected by magic bytes, multi-member gzip supported). Files are
// read in order and the end of each file ends a sentence.
//
// The scan runs on `threads` threads: one reads (and gunzips) the inputs and
// cuts them into blocks of whole lines, the others tokenize, count and
// encode blocks independently, and the calling thread merges the blocks'
// counts in corpus order. Without pruning the vocabulary (words, counts and
// order: count descending, ties by first occurrence) and the encoding are
// exactly those of a serial scan, whatever the thread count.
//
// Memory stays bounded by `memory_budget` whatever the corpus size: the
// intermediate stream is spilled to a scratch file beyond a quarter of it,
// and the count table holds at most VocabOptions::max_table_entries words;
// beyond that the rarest are pruned (word2vec's ReduceVocab, applied as each
// block is merged) and ScanStats says so. With pruning the result depends on
// where blocks end, which depends on the memory budget (not on the thread
// count), so it is deterministic for given inputs and options.
#ifndef WEMBED_CORPUS_CORPUS_SCANNER_H_
#define WEMBED_CORPUS_CORPUS_SCANNER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/status.h"
#include "wembed/corpus/encoded_corpus.h"
#include "wembed/corpus/vocabulary.h"
#include "wembed/text/tokenizer.h"

namespace wembed {

// Most distinct tokens VocabOptions::max_table_entries may allow.
inline constexpr uint64_t kMaxCountTableEntries = uint64_t{1} << 31;

struct VocabOptions {
  uint64_t min_count = 5;
  uint64_t max_vocab = 0;                 // 0 = no limit
  // gensim's max_final_vocab: min_count is raised to the smallest value
  // that keeps at most this many words (0 = no limit).
  uint64_t max_final_vocab = 0;
  uint64_t max_table_entries = 30000000;  // distinct tokens held while counting
};

struct ScanStats {
  uint64_t bytes_read = 0;       // uncompressed bytes
  uint64_t total_tokens = 0;     // all tokens, in vocabulary or not
  uint64_t distinct_tokens = 0;  // distinct tokens seen (after pruning)
  uint64_t sentences = 0;
  uint64_t prune_rounds = 0;     // times the count table was pruned
  uint64_t prune_threshold = 0;  // counts <= this were dropped when pruning
  uint64_t pruned_words = 0;     // table entries dropped, over all rounds
  uint64_t pruned_tokens = 0;    // the occurrences they had counted
  uint64_t min_count_used = 0;   // min_count, or as raised by max_final_vocab
  uint64_t spilled_bytes = 0;    // intermediate data written to scratch
  uint64_t encoded_bytes = 0;    // size of the encoded corpus so far
  int threads = 0;
  double seconds = 0;
};

// Where ScanRequest::encode puts the encoded corpus.
enum class EncodedStorage {
  kMemory,   // in memory (tests, tools on small corpora)
  kScratch,  // an unnamed .wenc file in scratch_dir, gone when the process
             // ends (the training run's cache); read through small buffers
  kFile,     // a .wenc file at output_path, written to a temp file, synced
             // and renamed (wembed encode)
};

// Which part of the inputs a scan reads: share `index` of `count` (MPI
// ranks; docs/distributed.md). The inputs laid end to end by size on disk
// are cut into `count` equal byte ranges; a share reads the lines of plain
// files that start in its range and the gzip files that start in it. stdin
// and FIFOs cannot be shared (InvalidArgument).
struct InputShare {
  int index = 0;
  int count = 1;
};

struct ScanRequest {
  std::vector<std::string> inputs;
  TokenizerOptions tokenizer;
  VocabOptions vocab;
  bool encode = false;  // also build ScanResult::corpus
  EncodedStorage storage = EncodedStorage::kMemory;
  std::string output_path;  // kFile
  // kScratch: also keep the file, as scratch_dir/wembed-<fingerprint>.wenc.
  bool keep = false;
  // Directory of scratch files (the spill; kScratch); "" = $TMPDIR or /tmp.
  std::string scratch_dir;
  // Key/value strings stored in a .wenc file's options section.
  std::vector<std::pair<std::string, std::string>> file_options;
  // Threads that tokenize (one more reads the inputs); >= 1.
  int threads = 1;
  // Bytes of buffers and intermediate data (the count table, bounded by
  // max_table_entries, and the vocabulary come on top).
  uint64_t memory_budget = uint64_t{256} << 20;
  // Text bytes per block; 0 = derived from memory_budget (tests set small
  // values to exercise block boundaries).
  size_t block_bytes = 0;
  // When set, no counting: this vocabulary is used as is (word2vec's
  // -read-vocab) and only the encoding is done.
  const Vocabulary* fixed_vocab = nullptr;
  InputShare share;  // default: all of the inputs
  // Counting only. When set, called once when counting ends with the words
  // this scan counted (in order of first occurrence) and their counts; what
  // it returns (the vocabulary merged over all shares) is the scan's
  // vocabulary and the encoding's, or its error ends the scan. The request's
  // min_count, max_vocab and max_final_vocab are then the callee's to apply.
  std::function<StatusOr<Vocabulary>(std::vector<std::string> words,
                                     std::vector<uint64_t> counts)>
      merge_counts;
  // When set and it becomes true, the scan stops at the next block and
  // returns StatusCode::kCancelled.
  const std::atomic<bool>* cancel = nullptr;
  // Called about once a second from the calling thread. May be empty.
  std::function<void(const ScanStats&)> progress;
  // The file layer (fault injection in tests); null = Env::Default().
  const Env* env = nullptr;
};

struct ScanResult {
  Vocabulary vocab;
  EncodedCorpus corpus;  // empty unless ScanRequest::encode
  ScanStats stats;
  std::string kept_path;  // kScratch with keep: where the file was kept
};

// Errors: NotFound/IoError naming the file (also for one that vanishes or
// fails mid-scan) or the scratch directory (a full disk); Corruption for a
// bad gzip stream; InvalidArgument for an empty corpus or an empty
// vocabulary.
StatusOr<ScanResult> ScanCorpus(const ScanRequest& request);

// What a user should be told about a finished scan, one "note: ..." line
// each: pruning (how often, what was dropped) and a min-count raised by
// max_final_vocab.
std::vector<std::string> ScanNotes(const ScanStats& stats,
                                   const VocabOptions& vocab);

}  // namespace wembed

#endif  // WEMBED_CORPUS_CORPUS_SCANNER_H_
