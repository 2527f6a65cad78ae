#include "corpus/block_scan.h"

#include <algorithm>
#include <cstring>

#include "base/string_hash.h"

namespace wembed {

void ByteStream::Append(const uint8_t* p, size_t n) {
  if (capacity_ - size_ < n) Reserve(std::max(2 * capacity_, size_ + n));
  std::memcpy(data_.get() + size_, p, n);
  size_ += n;
}

void ByteStream::Reserve(size_t n) {
  n = std::max(n, size_t{4} << 10);
  if (n <= capacity_) return;
  std::unique_ptr<uint8_t, LargeDeleter> bigger(
      static_cast<uint8_t*>(AllocateLarge(n)), LargeDeleter{n});
  if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  capacity_ = n;
}

void BlockResult::Clear() {
  words.Clear();
  stream.Clear();
  bytes = tokens = sentences = 0;
  continues = false;
}

BlockScanner::BlockScanner(const TokenizerOptions& tokenizer,
                           const Vocabulary* fixed, bool encode)
    : tokenizer_(tokenizer), fixed_(fixed), encode_(encode) {}

void BlockScanner::Scan(const TextBlock& block, BlockResult* out,
                        bool finish_at_end) {
  out_ = out;
  block_begin_ = block.data.get();
  block_end_ = block_begin_ + block.size;
  size_t begin = 0;
  for (const size_t end : block.input_ends) {
    tokenizer_.Feed(std::string_view(block.data.get() + begin, end - begin),
                    *this);
    tokenizer_.Finish(*this);
    begin = end;
  }
  tokenizer_.Feed(
      std::string_view(block.data.get() + begin, block.size - begin), *this);
  if (finish_at_end) tokenizer_.Finish(*this);
  FlushBatch();
  out->bytes += block.size;
  out_ = nullptr;
}

void BlockScanner::OnToken(std::string_view token) {
  ++out_->tokens;
  if (fixed_ == nullptr) {
    const uint64_t hash = HashBytes(token);
    if (token.data() < block_begin_ || token.data() >= block_end_) {
      // A token in the tokenizer's own buffer is valid only now.
      FlushBatch();
      CountToken(token, hash, /*transient=*/true);
      return;
    }
    out_->words.PrefetchHash(hash);
    batch_[batched_++] = Batched{token, hash};
    if (batched_ == kBatch) FlushBatch();
    return;
  }
  const int32_t id = fixed_->Find(token);
  if (id < 0) return;
  if (encode_) out_->stream.AppendVarint(uint64_t(id) + 1);
  sentence_has_token_ = true;
}

void BlockScanner::OnSentenceEnd() {
  ++out_->sentences;
  if (batched_ > 0) {
    batch_[batched_++] = Batched{};
    if (batched_ == kBatch) FlushBatch();
    return;
  }
  EndSentence();
}

void BlockScanner::FlushBatch() {
  for (int i = 0; i < batched_; ++i) {
    if (!batch_[i].token.empty()) out_->words.PrefetchEntry(batch_[i].hash);
  }
  for (int i = 0; i < batched_; ++i) {
    if (batch_[i].token.empty()) {
      EndSentence();
    } else {
      CountToken(batch_[i].token, batch_[i].hash, /*transient=*/false);
    }
  }
  batched_ = 0;
}

void BlockScanner::CountToken(std::string_view token, uint64_t hash,
                              bool transient) {
  const uint32_t id = out_->words.Add(token, hash, transient);
  if (encode_) out_->stream.AppendVarint(uint64_t{id} + 1);
}

void BlockScanner::EndSentence() {
  if (!encode_) return;
  if (fixed_ == nullptr || sentence_has_token_) out_->stream.AppendByte(0);
  sentence_has_token_ = false;
}

}  // namespace wembed
