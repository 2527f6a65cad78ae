// Tokenizing one block of text for the parallel scan: BlockScanner turns a
// TextBlock into a BlockResult, the block's words with their counts
// (ids in order of first occurrence within the block) and, when encoding,
// the block's token stream (EncodedCorpus's format, with those block-local
// ids, or with final ids for a fixed vocabulary). One scanner per thread.
#ifndef WEMBED_SRC_CORPUS_BLOCK_SCAN_H_
#define WEMBED_SRC_CORPUS_BLOCK_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/coding.h"
#include "base/huge_pages.h"
#include "corpus/block_reader.h"
#include "corpus/block_words.h"
#include "wembed/corpus/vocabulary.h"
#include "wembed/text/tokenizer.h"

namespace wembed {

// Bytes appended at the end of a growing buffer (never zero-filled: pages
// become resident only as they are written, 2 MiB at a time once it is
// that large: AllocateLarge). Movable, not copyable.
class ByteStream {
 public:
  void AppendVarint(uint64_t v) {
    if (capacity_ - size_ < kMaxVarint64Bytes) Reserve(2 * capacity_);
    size_ = size_t(EncodeVarint64(data_.get() + size_, v) - data_.get());
  }
  void AppendByte(uint8_t b) {
    if (capacity_ == size_) Reserve(2 * capacity_);
    data_.get()[size_++] = b;
  }
  void Append(const uint8_t* p, size_t n);
  const uint8_t* data() const { return data_.get(); }
  uint8_t* data() { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  void Clear() { size_ = 0; }
  // Makes room for `n` bytes in all (at least 4 KiB), keeping the bytes.
  void Reserve(size_t n);
  // size() becomes n; bytes beyond the old size are undefined until written.
  void Resize(size_t n) {
    Reserve(n);
    size_ = n;
  }

 private:
  std::unique_ptr<uint8_t, LargeDeleter> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

struct BlockResult {
  BlockWords words;        // counting: the block's words, by local id
  ByteStream stream;       // encoding: varint(id + 1) per token, 0x00 ends
  uint64_t bytes = 0;      // text bytes
  uint64_t tokens = 0;     // all tokens
  uint64_t sentences = 0;  // the tokenizer's sentences
  // The stream starts inside a sentence begun in the block before (a line
  // longer than a block).
  bool continues = false;

  void Clear();
};

class BlockScanner final : public TokenSink {
 public:
  // With `fixed` (not null), tokens are looked up in it and the stream has
  // final ids (out-of-vocabulary tokens dropped, sentences left empty not
  // stored); otherwise words are counted and the stream has local ids.
  BlockScanner(const TokenizerOptions& tokenizer, const Vocabulary* fixed,
               bool encode);

  // Tokenizes `block` into `out` (not cleared: a caller scanning the pieces
  // of one long line may collect them). The tokenizer is finished at each
  // input end and, with `finish_at_end`, at the block's end; otherwise its
  // state carries over to the next Scan.
  void Scan(const TextBlock& block, BlockResult* out, bool finish_at_end);

  void OnToken(std::string_view token) override;
  void OnSentenceEnd() override;

 private:
  // Counting, tokens that lie in the block wait in a batch so that their
  // slots in the block's table are prefetched a few tokens before they are
  // added (the adds would otherwise wait for memory one after another). A
  // sentence end waits in the batch as an empty token.
  static constexpr int kBatch = 16;
  struct Batched {
    std::string_view token;
    uint64_t hash;
  };
  // Adds the batched tokens and sentence ends, in order.
  void FlushBatch();
  // `transient`: the token is not in the block's text.
  void CountToken(std::string_view token, uint64_t hash, bool transient);
  void EndSentence();

  Tokenizer tokenizer_;
  const Vocabulary* fixed_;
  const bool encode_;
  bool sentence_has_token_ = false;  // fixed vocabulary: a token kept
  BlockResult* out_ = nullptr;
  Batched batch_[kBatch];
  int batched_ = 0;
  const char* block_begin_ = nullptr;  // the block being scanned
  const char* block_end_ = nullptr;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_BLOCK_SCAN_H_
