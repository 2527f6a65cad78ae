// EncodedCorpus: the training corpus tokenized once and stored as a compact
// byte stream that every epoch reads in parallel without re-tokenizing.
//
// Format: each in-vocabulary token is LEB128 varint of (word id + 1); a 0x00
// byte ends a sentence. Because a varint of a value >= 1 never contains a
// 0x00 byte, any byte offset can be aligned to the next sentence start by
// scanning for 0x00. Out-of-vocabulary tokens are dropped (word2vec skips
// them too).
//
// The bytes are either in memory (tests, small tools) or in the data
// sections of an encoded-corpus file (.wenc, docs/encoded-corpus-format.md;
// the training run's cache is one), read on demand through Read(), so that
// memory does not grow with the corpus. Immutable after building;
// thread-safe to read; cheap to copy (a file is shared).
#ifndef WEMBED_CORPUS_ENCODED_CORPUS_H_
#define WEMBED_CORPUS_ENCODED_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "wembed/base/status.h"

namespace wembed {

class EncodedCorpus {
 public:
  // Where a file-backed corpus's bytes are (built by the .wenc reader and
  // writer, src/corpus/encoded_corpus_file.h).
  struct FileData;

  EncodedCorpus() = default;
  EncodedCorpus(std::vector<uint8_t> bytes, uint64_t num_tokens,
                uint64_t num_sentences)
      : bytes_(std::move(bytes)),
        num_tokens_(num_tokens),
        num_sentences_(num_sentences) {}
  // A corpus of `size_bytes` bytes in a file, with its stored totals.
  EncodedCorpus(std::shared_ptr<const FileData> file, uint64_t size_bytes,
                uint64_t num_tokens, uint64_t num_sentences,
                uint64_t fingerprint, uint64_t max_sentence_bytes);

  // True when the bytes are in memory (data() is then valid).
  bool in_memory() const { return file_ == nullptr; }
  // The bytes, in memory only (nullptr for a file-backed corpus).
  const uint8_t* data() const { return file_ ? nullptr : bytes_.data(); }
  size_t size_bytes() const { return file_ ? file_size_ : bytes_.size(); }
  // In-vocabulary tokens stored (sentence ends excluded).
  uint64_t num_tokens() const { return num_tokens_; }
  uint64_t num_sentences() const { return num_sentences_; }
  // Bytes of the longest sentence, its 0x00 included (a reader's buffer of
  // that size holds any sentence whole); 0 when not recorded (in memory).
  uint64_t max_sentence_bytes() const { return max_sentence_bytes_; }

  // Copies bytes [offset, offset + n) to `buf` (offset + n <= size_bytes()).
  // For a file-backed corpus errors name the file (IoError, Corruption for a
  // file that became shorter). Thread-safe.
  Status Read(uint64_t offset, void* buf, size_t n) const;
  // True for a corpus in a file given by the user (a .wenc input): it was
  // verified when opened but could change afterwards, so a reader must check
  // the bytes it decodes (ChecksEncodedBytes). False for a cache the run
  // wrote itself and for memory.
  bool reads_need_checks() const;
  // Hints that [offset, offset + n) will be read soon (file-backed: the
  // kernel starts reading it in the background). Never an error.
  void Prefetch(uint64_t offset, uint64_t n) const;

  // The smallest sentence start >= offset (a sentence starts at 0 and right
  // after each 0x00 byte); size_bytes() if there is none. Reads the file
  // for a file-backed corpus.
  StatusOr<uint64_t> SentenceStartAtOrAfter(uint64_t offset) const;
  // The same for an in-memory corpus (no I/O).
  size_t NextSentenceStart(size_t offset) const;

  // Bytes [begin, end) as a corpus of their own (an MPI rank's share of an
  // encoded corpus): `begin` and `end` are sentence starts (or size_bytes()).
  // Reads the range once to count its tokens and sentences, find its longest
  // sentence and compute its fingerprint; a file-backed corpus stays in its
  // file (the slice shares it). Corruption if the bytes are not whole
  // sentences of ids below `vocab_size`.
  StatusOr<EncodedCorpus> Slice(uint64_t begin, uint64_t end,
                                uint64_t vocab_size) const;

  // CorpusFingerprint of the bytes: detects a changed corpus on resume.
  // Computed for an in-memory corpus; stored in the file (computed while
  // writing it) for a file-backed one.
  uint64_t Fingerprint() const;
  // The fingerprint of wembed before 2026-12-03 (and of .wenc format
  // version 1): 64-bit FNV-1a of the bytes. Computed on demand (a file-backed
  // corpus is read once), so that their checkpoints still resume.
  StatusOr<uint64_t> LegacyFingerprint() const;

  // Appends one sentence end marker / one token. For builders and tests.
  static void AppendToken(std::vector<uint8_t>* out, uint32_t id);
  static void AppendSentenceEnd(std::vector<uint8_t>* out) {
    out->push_back(0);
  }

 private:
  std::vector<uint8_t> bytes_;
  std::shared_ptr<const FileData> file_;
  uint64_t file_size_ = 0;
  uint64_t file_begin_ = 0;  // file-backed: data byte of this corpus's byte 0
  uint64_t num_tokens_ = 0;
  uint64_t num_sentences_ = 0;
  uint64_t fingerprint_ = 0;  // file-backed only
  uint64_t max_sentence_bytes_ = 0;
};

// "" if the `n` bytes at `p` (starting at a token boundary) are whole
// tokens of ids below `vocab_size` (canonical varints of 1..5 bytes) and
// sentence ends; else what is wrong.
std::string CheckEncodedBytes(const uint8_t* p, size_t n, uint64_t vocab_size);

// EncodedCorpus::Fingerprint of bytes fed piece by piece: XXH3 64-bit,
// seed 0 (xxHash 0.8), of all of them in order; the pieces' sizes do not
// matter. About 20 GB/s (FNV-1a, the fingerprint before, ran at 1 byte per
// 4 cycles on the scan's one ordered thread).
class CorpusFingerprint {
 public:
  CorpusFingerprint();
  ~CorpusFingerprint();
  CorpusFingerprint(CorpusFingerprint&&) noexcept;
  CorpusFingerprint& operator=(CorpusFingerprint&&) noexcept;

  void Add(const uint8_t* p, size_t n);
  uint64_t Value() const;  // of the bytes so far
  static uint64_t Of(const uint8_t* p, size_t n);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// 64-bit FNV-1a of `n` bytes continuing from `hash` (start with
// kFnv64Basis): LegacyFingerprint, and the hash that combines the ranks'
// fingerprints (docs/checkpoint-format.md).
inline constexpr uint64_t kFnv64Basis = 0xcbf29ce484222325ULL;
uint64_t Fnv64Extend(uint64_t hash, const uint8_t* p, size_t n);

}  // namespace wembed

#endif  // WEMBED_CORPUS_ENCODED_CORPUS_H_
