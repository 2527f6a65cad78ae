#include "corpus/block_scan.h"

#include <algorithm>
#include <cstring>

namespace wembed {

void ByteStream::Append(const uint8_t* p, size_t n) {
  while (bytes_.size() - size_ < n) Grow();
  std::memcpy(bytes_.data() + size_, p, n);
  size_ += n;
}

void ByteStream::Grow() {
  bytes_.resize(std::max<size_t>(size_t{64} << 10, 2 * bytes_.size()));
}

void ByteStream::Free() {
  std::vector<uint8_t>().swap(bytes_);
  size_ = 0;
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
  size_t begin = 0;
  for (const size_t end : block.input_ends) {
    tokenizer_.Feed(std::string_view(block.data.data() + begin, end - begin),
                    *this);
    tokenizer_.Finish(*this);
    begin = end;
  }
  tokenizer_.Feed(
      std::string_view(block.data.data() + begin, block.size - begin), *this);
  if (finish_at_end) tokenizer_.Finish(*this);
  out->bytes += block.size;
  out_ = nullptr;
}

void BlockScanner::OnToken(std::string_view token) {
  ++out_->tokens;
  if (fixed_ == nullptr) {
    const CountTable::Entry& e = out_->words.Add(token);
    if (encode_) out_->stream.AppendVarint(e.provisional_id + 1);
    return;
  }
  const int32_t id = fixed_->Find(token);
  if (id < 0) return;
  if (encode_) out_->stream.AppendVarint(uint64_t(id) + 1);
  sentence_has_token_ = true;
}

void BlockScanner::OnSentenceEnd() {
  ++out_->sentences;
  if (!encode_) return;
  if (fixed_ == nullptr || sentence_has_token_) out_->stream.AppendByte(0);
  sentence_has_token_ = false;
}

}  // namespace wembed
