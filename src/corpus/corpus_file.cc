// Reading encoded-corpus files. The byte layout is specified in
// docs/encoded-corpus-format.md; keep the two in sync.
#include "wembed/corpus/corpus_file.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>

#include "base/buffered_reader.h"
#include "base/coding.h"
#include "base/random_access_file.h"
#include "base/section_file.h"
#include "corpus/corpus_file_writer.h"
#include "corpus/encoded_corpus_file.h"
#include "corpus/vocabulary_coding.h"

namespace wembed {
namespace {

constexpr size_t kMaxVarintBytes = 5;  // ids are < 2^31

// Checks the encoded stream as it streams by, chunk after chunk: canonical
// varints (1..5 bytes, no 0x00 byte inside) of values 1..vocab_size, no
// empty sentence; counts what the summary must agree with.
class DataVerifier {
 public:
  explicit DataVerifier(uint64_t vocab_size) : vocab_size_(vocab_size) {}

  // "" or what is wrong, with the data offset.
  std::string Feed(const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i, ++offset_) {
      const uint8_t b = p[i];
      ++sentence_bytes_;
      if (varint_bytes_ == 0 && b == 0) {
        if (sentence_tokens_ == 0) return At("empty sentence");
        ++sentences_;
        max_sentence_bytes_ = std::max(max_sentence_bytes_, sentence_bytes_);
        sentence_tokens_ = sentence_bytes_ = 0;
        continue;
      }
      if (b == 0) return At("a varint has a 0x00 byte");
      value_ |= uint64_t(b & 0x7f) << (7 * varint_bytes_);
      if (++varint_bytes_ > kMaxVarintBytes) return At("varint too long");
      if (b & 0x80) continue;
      if (value_ > vocab_size_) {
        return At("word id " + std::to_string(value_ - 1) +
                  " is outside the vocabulary");
      }
      ++tokens_;
      ++sentence_tokens_;
      value_ = 0;
      varint_bytes_ = 0;
    }
    return "";
  }

  // "" or how the stream or its counts disagree with `s`.
  std::string Finish(const CorpusFileSummary& s) const {
    if (varint_bytes_ != 0 || sentence_tokens_ != 0) {
      return "the data does not end with a sentence end";
    }
    if (tokens_ != s.num_tokens || sentences_ != s.num_sentences ||
        max_sentence_bytes_ != s.max_sentence_bytes) {
      return "the summary's counts (" + std::to_string(s.num_tokens) +
             " tokens, " + std::to_string(s.num_sentences) +
             " sentences) differ from the data's (" + std::to_string(tokens_) +
             ", " + std::to_string(sentences_) + ")";
    }
    return "";
  }

 private:
  std::string At(const std::string& what) const {
    return "data byte " + std::to_string(offset_) + ": " + what;
  }

  const uint64_t vocab_size_;
  uint64_t offset_ = 0;
  uint64_t value_ = 0;
  uint32_t varint_bytes_ = 0;
  uint64_t tokens_ = 0, sentences_ = 0;
  uint64_t sentence_tokens_ = 0, sentence_bytes_ = 0;
  uint64_t max_sentence_bytes_ = 0;
};

class CorpusFileReader {
 public:
  CorpusFileReader(BufferedReader& in, uint64_t size)
      : reader_(in, size, CorpusSectionName) {}

  // Everything but the corpus object, which the caller builds.
  Status Read(CorpusFile* out) {
    out->file_bytes = reader_.remaining();
    WEMBED_RETURN_IF_ERROR(
        reader_.ReadHeader(kCorpusFileMagic, "wembed encoded corpus",
                           kCorpusFileFormatVersion, &out->format_version));
    SectionReader::Section s;
    WEMBED_RETURN_IF_ERROR(Expect(kCorpusOptionsSection, &s));
    WEMBED_RETURN_IF_ERROR(reader_.ReadKeyValues(s, &out->options));
    std::set<std::string> keys;
    for (const auto& [key, value] : out->options) {
      if (key.empty() || !keys.insert(key).second) {
        return reader_.Corrupt("option '" + key + "' is empty or repeated");
      }
    }
    WEMBED_RETURN_IF_ERROR(Expect(kCorpusVocabularySection, &s));
    WEMBED_RETURN_IF_ERROR(ReadVocabulary(s, &out->vocab));
    WEMBED_RETURN_IF_ERROR(SkipExtensions(&s));
    first_data_offset_ = s.offset;
    WEMBED_RETURN_IF_ERROR(ReadData(&s, out->vocab.size()));
    if (s.type != kCorpusSummarySection) return OutOfOrder(s, "summary");
    WEMBED_RETURN_IF_ERROR(ReadSummary(s, &out->summary));
    WEMBED_RETURN_IF_ERROR(Expect(kCorpusEndSection, &s));
    return reader_.ReadEnd(s);
  }

  uint64_t first_data_offset() const { return first_data_offset_; }

 private:
  Status OutOfOrder(const SectionReader::Section& s,
                    const std::string& expected) {
    WEMBED_RETURN_IF_ERROR(reader_.SkipPayload(s));  // a damaged type: CRC
    return reader_.Corrupt(reader_.Where(s) + " is out of order (expected " +
                           expected + ")");
  }

  Status Expect(uint32_t type, SectionReader::Section* s) {
    WEMBED_RETURN_IF_ERROR(reader_.ReadSectionHeader(s));
    if (s->type != type) {
      return OutOfOrder(*s, "section '" + CorpusSectionName(type) + "'");
    }
    return Status::Ok();
  }

  // Extension sections (bit 31) before the first data section; *s is then
  // the first section after them, its header read.
  Status SkipExtensions(SectionReader::Section* s) {
    while (true) {
      WEMBED_RETURN_IF_ERROR(reader_.ReadSectionHeader(s));
      if (!(s->type & kExtensionSectionBit)) break;
      WEMBED_RETURN_IF_ERROR(reader_.SkipPayload(*s));
    }
    if (s->type != kCorpusDataSection) return OutOfOrder(*s, "data");
    return Status::Ok();
  }

  Status ReadVocabulary(const SectionReader::Section& s, Vocabulary* vocab) {
    std::string payload;
    WEMBED_RETURN_IF_ERROR(reader_.ReadPayload(s, &payload));
    StatusOr<Vocabulary> v = DecodeVocabularyPayload(payload);
    if (!v.ok())
      return reader_.Corrupt(reader_.Where(s) + v.status().message());
    if (v->empty()) return reader_.Corrupt("the vocabulary is empty");
    *vocab = std::move(v).value();
    return Status::Ok();
  }

  // The data sections, starting with *s (header read); leaves in *s the
  // header of the section after them.
  Status ReadData(SectionReader::Section* s, uint64_t vocab_size) {
    DataVerifier& verifier = verifier_.emplace(vocab_size);
    std::vector<uint8_t> buf;
    while (s->type == kCorpusDataSection) {
      if (s->length == 0 || s->length > kMaxCorpusChunkBytes ||
          (chunk_bytes_ != 0 && s->length > chunk_bytes_) || last_was_short_) {
        WEMBED_RETURN_IF_ERROR(reader_.SkipPayload(*s));
        return reader_.Corrupt(reader_.Where(*s) + " has " +
                               std::to_string(s->length) +
                               " bytes; data sections but the last must all "
                               "have the same size");
      }
      if (chunk_bytes_ == 0) chunk_bytes_ = s->length;
      last_was_short_ = s->length < chunk_bytes_;
      buf.resize(size_t(s->length));
      WEMBED_RETURN_IF_ERROR(
          reader_.ReadInto(s, reinterpret_cast<char*>(buf.data()), buf.size()));
      WEMBED_RETURN_IF_ERROR(reader_.CheckCrc(*s));
      const std::string problem = verifier.Feed(buf.data(), buf.size());
      if (!problem.empty()) return reader_.Corrupt(problem);
      data_bytes_ += s->length;
      WEMBED_RETURN_IF_ERROR(reader_.ReadSectionHeader(s));
    }
    return Status::Ok();
  }

  Status ReadSummary(const SectionReader::Section& s, CorpusFileSummary* out) {
    std::string payload;
    WEMBED_RETURN_IF_ERROR(reader_.ReadPayload(s, &payload));
    if (payload.size() != kCorpusSummaryBytes) {
      return reader_.Corrupt(
          reader_.Where(s) + " has " + std::to_string(payload.size()) +
          " bytes (expected " + std::to_string(kCorpusSummaryBytes) + ")");
    }
    ByteDecoder d(payload);
    for (uint64_t* field :
         {&out->data_bytes, &out->num_tokens, &out->num_sentences,
          &out->fingerprint, &out->max_sentence_bytes, &out->chunk_bytes}) {
      d.Fixed64(field);
    }
    // One data section may hold less than a chunk; otherwise the first
    // section's size is the chunk size.
    const bool chunk_ok = data_bytes_ == chunk_bytes_
                              ? out->chunk_bytes >= chunk_bytes_ &&
                                    out->chunk_bytes <= kMaxCorpusChunkBytes
                              : out->chunk_bytes == chunk_bytes_;
    if (out->data_bytes != data_bytes_ || !chunk_ok) {
      return reader_.Corrupt("the summary's data size (" +
                             std::to_string(out->data_bytes) + " bytes in " +
                             std::to_string(out->chunk_bytes) +
                             "-byte chunks) differs from the data sections'");
    }
    const std::string problem = verifier_->Finish(*out);
    if (!problem.empty()) return reader_.Corrupt(problem);
    return Status::Ok();
  }

  SectionReader reader_;
  uint64_t first_data_offset_ = 0;
  uint64_t chunk_bytes_ = 0;  // of the first data section
  uint64_t data_bytes_ = 0;
  bool last_was_short_ = false;
  std::optional<DataVerifier> verifier_;
};

ReadableOptions RegularFileOnly() {
  ReadableOptions options;
  options.allow_stdin = false;
  options.allow_gzip = false;
  options.regular_only = true;
  return options;
}

StatusOr<CorpusFile> ReadCorpusFileImpl(const std::string& path,
                                        const Env& env) {
  // Opened first, so that the bytes verified are the bytes trained on.
  StatusOr<std::unique_ptr<RandomAccessFile>> file =
      RandomAccessFile::Open(path, env);
  if (!file.ok()) return file.status();
  StatusOr<std::unique_ptr<BufferedReader>> in =
      BufferedReader::Open(path, env, RegularFileOnly());
  if (!in.ok()) return in.status();
  const uint64_t size = (*in)->file().size_on_disk();
  if (size != (*file)->size()) {
    return Status::IoError(path + ": the file changed while being opened");
  }
  CorpusFile out;
  CorpusFileReader reader(**in, size);
  WEMBED_RETURN_IF_ERROR(reader.Read(&out));
  auto data = std::make_shared<EncodedCorpus::FileData>();
  data->file = std::move(file).value();
  data->first_section_offset = reader.first_data_offset();
  data->chunk_bytes = out.summary.chunk_bytes;
  data->needs_checks = true;
  const CorpusFileSummary& s = out.summary;
  out.corpus =
      EncodedCorpus(std::move(data), s.data_bytes, s.num_tokens,
                    s.num_sentences, s.fingerprint, s.max_sentence_bytes);
  return out;
}

}  // namespace

StatusOr<CorpusFile> ReadCorpusFile(const std::string& path, const Env& env) {
  try {
    return ReadCorpusFileImpl(path, env);
  } catch (const std::bad_alloc&) {
    return Status::Internal(path + ": out of memory while reading it");
  } catch (const std::length_error&) {
    return Status::Internal(path + ": out of memory while reading it");
  }
}

bool LooksLikeCorpusFile(const std::string& path) {
  StatusOr<std::unique_ptr<BufferedReader>> in =
      BufferedReader::Open(path, Env::Default(), RegularFileOnly());
  if (!in.ok() || !(*in)->Fill(kFileMagicSize).ok()) return false;
  return (*in)->available() >= kFileMagicSize &&
         std::memcmp((*in)->data(), kCorpusFileMagic, kFileMagicSize) == 0;
}

}  // namespace wembed
