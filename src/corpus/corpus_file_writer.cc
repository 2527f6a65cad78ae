// Writing encoded-corpus files. The byte layout is specified in
// docs/encoded-corpus-format.md; keep the two in sync.
#include "corpus/corpus_file_writer.h"

#include <algorithm>
#include <cstring>

#include "base/coding.h"
#include "base/crc32.h"
#include "base/section_file.h"
#include "corpus/vocabulary_coding.h"

namespace wembed {

std::string CorpusSectionName(uint32_t type) {
  switch (type) {
    case kCorpusOptionsSection:
      return "options";
    case kCorpusVocabularySection:
      return "vocabulary";
    case kCorpusDataSection:
      return "data";
    case kCorpusSummarySection:
      return "summary";
    case kCorpusEndSection:
      return "end";
  }
  return (type & kExtensionSectionBit) ? "extension " + std::to_string(type)
                                       : "unknown " + std::to_string(type);
}

CorpusFileWriter::CorpusFileWriter(ByteSink& out, uint64_t chunk_bytes)
    : out_(out),
      chunk_(
          size_t(std::clamp<uint64_t>(chunk_bytes, 1, kMaxCorpusChunkBytes)) +
          kSectionOverhead) {
  summary_.chunk_bytes = chunk_.size() - kSectionOverhead;
}

Status CorpusFileWriter::Write(const void* data, size_t n) {
  WEMBED_RETURN_IF_ERROR(out_.Append(data, n));
  written_ += n;
  return Status::Ok();
}

Status CorpusFileWriter::Begin(
    const std::vector<std::pair<std::string, std::string>>& options,
    const Vocabulary& vocab) {
  const std::string header =
      EncodeFileHeader(kCorpusFileMagic, kCorpusFileFormatVersion);
  WEMBED_RETURN_IF_ERROR(Write(header.data(), header.size()));
  const std::string kv = EncodeKeyValues(options);
  const std::string words = EncodeVocabularyPayload(vocab);
  WEMBED_RETURN_IF_ERROR(AppendSection(out_, kCorpusOptionsSection, kv));
  WEMBED_RETURN_IF_ERROR(AppendSection(out_, kCorpusVocabularySection, words));
  written_ += 2 * kSectionOverhead + kv.size() + words.size();
  first_data_offset_ = written_;
  return Status::Ok();
}

void CorpusFileWriter::Account(const uint8_t* p, size_t n) {
  fingerprint_.Add(p, n);
  // A varint ends with its one byte below 0x80; 0x00 ends a sentence.
  uint64_t ends = 0;
  for (size_t i = 0; i < n; ++i) ends += p[i] < 0x80;  // vectorized
  const uint8_t* const end = p + n;
  for (const uint8_t* at = p; at < end;) {
    const void* zero = std::memchr(at, 0, size_t(end - at));
    if (zero == nullptr) {
      sentence_bytes_ += uint64_t(end - at);
      break;
    }
    const uint8_t* next = static_cast<const uint8_t*>(zero) + 1;
    sentence_bytes_ += uint64_t(next - at);
    summary_.max_sentence_bytes =
        std::max(summary_.max_sentence_bytes, sentence_bytes_);
    sentence_bytes_ = 0;
    ++summary_.num_sentences;
    --ends;  // a sentence end is not a token
    at = next;
  }
  summary_.num_tokens += ends;
  summary_.data_bytes += n;
}

Status CorpusFileWriter::AppendData(const uint8_t* data, size_t n) {
  Account(data, n);
  const size_t capacity = size_t(summary_.chunk_bytes);
  while (n > 0) {
    const size_t step = std::min(n, capacity - chunk_fill_);
    std::memcpy(chunk_.data() + kSectionHeaderSize + chunk_fill_, data, step);
    chunk_fill_ += step;
    data += step;
    n -= step;
    if (chunk_fill_ == capacity) WEMBED_RETURN_IF_ERROR(FlushChunk());
  }
  return Status::Ok();
}

// One data section: header, payload and CRC in one write.
Status CorpusFileWriter::FlushChunk() {
  char* head = reinterpret_cast<char*>(chunk_.data());
  EncodeSectionHeader(head, kCorpusDataSection, chunk_fill_);
  const uint32_t crc = Crc32(chunk_.data(), kSectionHeaderSize + chunk_fill_);
  EncodeFixed32(head + kSectionHeaderSize + chunk_fill_, crc);
  WEMBED_RETURN_IF_ERROR(Write(chunk_.data(), chunk_fill_ + kSectionOverhead));
  chunk_fill_ = 0;
  return Status::Ok();
}

Status CorpusFileWriter::Finish() {
  if (summary_.data_bytes == 0) {
    return Status::InvalidArgument("no encoded corpus to write");
  }
  if (chunk_fill_ > 0) WEMBED_RETURN_IF_ERROR(FlushChunk());
  summary_.fingerprint = fingerprint_.Value();
  std::string summary;
  PutFixed64(&summary, summary_.data_bytes);
  PutFixed64(&summary, summary_.num_tokens);
  PutFixed64(&summary, summary_.num_sentences);
  PutFixed64(&summary, summary_.fingerprint);
  PutFixed64(&summary, summary_.max_sentence_bytes);
  PutFixed64(&summary, summary_.chunk_bytes);
  WEMBED_RETURN_IF_ERROR(AppendSection(out_, kCorpusSummarySection, summary));
  WEMBED_RETURN_IF_ERROR(AppendSection(out_, kCorpusEndSection, ""));
  written_ += 2 * kSectionOverhead + summary.size();
  return Status::Ok();
}

}  // namespace wembed
