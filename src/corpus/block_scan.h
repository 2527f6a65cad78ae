// Tokenizing one block of text for the parallel scan: BlockScanner turns a
// TextBlock into a BlockResult, the block's words with their counts and,
// when encoding, the block's token stream.
//
// When counting, a word found in the scan's FrontTable (its frequent words)
// is counted by its front index; any other word in the block's own table,
// with a local id in order of first occurrence within the block. The stream
// then has varint(2 f + 1) for front index f, varint(2 l + 2) for local id
// l, and 0x00 at sentence ends. With a fixed vocabulary it is in
// EncodedCorpus's format (final ids). One scanner per thread.
#ifndef WEMBED_SRC_CORPUS_BLOCK_SCAN_H_
#define WEMBED_SRC_CORPUS_BLOCK_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/coding.h"
#include "corpus/block_reader.h"
#include "corpus/count_table.h"
#include "corpus/front_table.h"
#include "wembed/corpus/vocabulary.h"
#include "wembed/text/tokenizer.h"

namespace wembed {

// Bytes appended at the end of a growing buffer (never zero-filled: pages
// become resident only as they are written). Movable, not copyable.
class ByteStream {
 public:
  void AppendVarint(uint64_t v) {
    if (capacity_ - size_ < kMaxVarint64Bytes) Reserve(2 * capacity_);
    size_ = size_t(EncodeVarint64(data_.get() + size_, v) - data_.get());
  }
  void AppendByte(uint8_t b) {
    if (capacity_ == size_) Reserve(2 * capacity_);
    data_[size_++] = b;
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
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

struct BlockResult {
  CountTable words{size_t{1} << 12};  // counting: the block's words not in
                                      // the front table, local ids (grows
                                      // to a block's worth)
  // Counting: occurrences per front index (sized to the front table; zero
  // except at the indices listed in front_seen).
  std::vector<uint32_t> front_counts;
  std::vector<uint32_t> front_seen;  // front indices counted, in order
  ByteStream stream;       // encoding: one varint per token, 0x00 ends
  uint64_t bytes = 0;      // text bytes
  uint64_t tokens = 0;     // all tokens
  uint64_t sentences = 0;  // the tokenizer's sentences
  // The stream starts inside a sentence begun in the block before (a line
  // longer than a block).
  bool continues = false;

  void Clear();
  void CountFront(int32_t f) {
    if (front_counts[f]++ == 0) front_seen.push_back(uint32_t(f));
  }
};

// Stream codes of the counting scan (see the top of this file).
inline uint64_t FrontCode(uint64_t front_index) { return 2 * front_index + 1; }
inline uint64_t LocalCode(uint64_t local_id) { return 2 * local_id + 2; }

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

  // Counting: the front table to use from the next Scan on (null = none).
  void set_front(std::shared_ptr<const FrontTable> front) {
    front_ = std::move(front);
  }

  void OnToken(std::string_view token) override;
  void OnSentenceEnd() override;

 private:
  Tokenizer tokenizer_;
  const Vocabulary* fixed_;
  const bool encode_;
  std::shared_ptr<const FrontTable> front_;
  bool sentence_has_token_ = false;  // fixed vocabulary: a token kept
  BlockResult* out_ = nullptr;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_BLOCK_SCAN_H_
