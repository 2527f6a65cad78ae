// Checkpoint: everything needed to continue a training run exactly. The
// on-disk format is specified in docs/checkpoint-format.md.
#ifndef WEMBED_VECTORS_CHECKPOINT_H_
#define WEMBED_VECTORS_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/matrix.h"
#include "wembed/base/status.h"
#include "wembed/corpus/vocabulary.h"
#include "wembed/text/subwords.h"

namespace wembed {


// One training thread's position. A thread owns the byte range
// [begin, end) of the EncodedCorpus each epoch; `position` is the next
// sentence start it will read.
struct ThreadProgress {
  uint32_t epoch = 0;  // epochs this thread has completed over its range
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t position = 0;
  uint64_t rng_state[4] = {0, 0, 0, 0};
  uint64_t words_done = 0;        // corpus tokens consumed this epoch
  uint64_t words_unreported = 0;  // not yet added to words_processed
};

struct TrainProgress {
  uint32_t epoch = 0;               // epochs completed by every thread
  uint64_t words_processed = 0;     // global lr-schedule counter
  uint64_t corpus_tokens = 0;       // EncodedCorpus::num_tokens()
  uint64_t corpus_fingerprint = 0;  // EncodedCorpus::Fingerprint()
  uint64_t corpus_bytes = 0;   // EncodedCorpus::size_bytes(); 0 = not recorded
  double elapsed_seconds = 0;  // training wall time so far
  double loss_sum = 0;         // running loss accumulator
  uint64_t loss_count = 0;
  bool finished = false;
  std::vector<ThreadProgress> threads;
};

// One rank of a distributed run (`mpirun -np N wembed train`,
// docs/distributed.md): its share of the corpus and how many of
// TrainProgress::threads are its (the ranks' threads follow each other in
// rank order; their positions are offsets in the rank's own share).
struct RankShare {
  uint64_t corpus_tokens = 0;       // the share's EncodedCorpus::num_tokens()
  uint64_t corpus_bytes = 0;        // its size_bytes()
  uint64_t corpus_fingerprint = 0;  // its Fingerprint()
  uint32_t threads = 0;
};

// What the rows of a checkpoint's output matrix are.
enum class OutputLayout : uint32_t {
  kWordVectors = 0,  // one context vector per word (negative sampling)
  kTreeNodes = 1,    // hierarchical softmax: the vocab.size() - 1 inner
                     // nodes of the Huffman tree built from the counts
};

// Output matrix rows of `layout` for a vocabulary of `vocab_size` words.
inline size_t OutputRowsFor(OutputLayout layout, size_t vocab_size) {
  if (layout == OutputLayout::kWordVectors) return vocab_size;
  return vocab_size > 0 ? vocab_size - 1 : 0;
}

struct Checkpoint {
  // Set by Read. Write writes the oldest version that holds the checkpoint:
  // 1 for word-vector output, 2 for tree nodes.
  uint32_t format_version = 0;
  std::vector<std::pair<std::string, std::string>> options;  // TrainOptions
  Vocabulary vocab;
  Matrix input;   // W_E, vocab.size() x dim
  Matrix output;  // OutputRowsFor(output_layout, vocab.size()) x dim
  OutputLayout output_layout = OutputLayout::kWordVectors;
  // kTreeNodes: the trainer's fingerprint of the tree the output rows
  // belong to (it verifies it on resume); 0 for kWordVectors.
  uint64_t tree_fingerprint = 0;
  TrainProgress progress;
  // fastText's subword model (format version 3): the n-gram settings and
  // the subwords.buckets x dim matrix of n-gram rows. Off: spec disabled
  // and a 0 x 0 matrix.
  SubwordSpec subwords;
  Matrix subword_input;
  // A distributed run's ranks, in rank order (an extension section, so
  // the version is unchanged); empty for one process. With ranks,
  // progress.corpus_tokens is their sum, progress.corpus_bytes 0 and
  // progress.corpus_fingerprint a hash of theirs.
  std::vector<RankShare> ranks;
};

// The newest format version this build reads (and writes, for subwords).
inline constexpr uint32_t kCheckpointFormatVersion = 3;

// Longest n-gram (in characters) a checkpoint may declare.
inline constexpr int kMaxSubwordLength = 64;

// The version WriteCheckpoint writes for `layout` (and subwords or not): the
// oldest that holds it.
inline uint32_t FormatVersionFor(OutputLayout layout, bool subwords = false) {
  if (subwords) return 3;
  return layout == OutputLayout::kWordVectors ? 1 : 2;
}
inline constexpr uint32_t kMaxCheckpointThreads = 4096;

// Writes `ckpt` to `path` crash-safely: temp file in the same directory,
// fsync, rename over `path`, fsync the directory. On any error (ENOSPC...)
// the temp file is removed, `path` is untouched, and the Status names the
// file and the failed step. A checkpoint that ReadCheckpoint would reject is
// not written (InvalidArgument): input must be vocab.size() x dim (dim >= 1
// unless the vocabulary is empty) and output OutputRowsFor(output_layout,
// vocab.size()) x dim, tree_fingerprint 0 for word vectors, option keys
// non-empty and unique, at most kMaxCheckpointThreads threads, each with
// begin <= position <= end (<= corpus_bytes when that is non-zero) and
// epoch >= progress.epoch, and elapsed_seconds finite and >= 0; with
// subwords, 1 <= min_n <= max_n <= kMaxSubwordLength, buckets >= 1 and
// subword_input buckets x dim (without, subword_input empty).
// Matrices are stored bit-exactly, NaN and Inf included: callers that must
// not replace a good checkpoint by a diverged one check CheckpointIsFinite
// first (RunTraining does).
// Temp files of writers that were killed mid-write ("<path>.tmp.<pid>" of a
// process that no longer exists) are removed first.
Status WriteCheckpoint(const std::string& path, const Checkpoint& ckpt,
                       const Env& env = Env::Default());

// Reads and fully validates a checkpoint (magic, version, every CRC, every
// size against the file size). Errors name the file and the failed check.
// Only a regular, uncompressed file is read (a FIFO or device is refused
// without blocking on it).
StatusOr<Checkpoint> ReadCheckpoint(const std::string& path,
                                    const Env& env = Env::Default());

// True if every value of ckpt's input and output matrices is finite (no
// NaN, no infinity: the run did not diverge).
bool CheckpointIsFinite(const Checkpoint& ckpt);

// True if the regular file at `path` starts with the checkpoint magic.
bool LooksLikeCheckpoint(const std::string& path);

}  // namespace wembed

#endif  // WEMBED_VECTORS_CHECKPOINT_H_
