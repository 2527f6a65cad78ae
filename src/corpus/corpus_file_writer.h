// CorpusFileWriter: writes an encoded-corpus file (.wenc,
// docs/encoded-corpus-format.md) to a ByteSink in one sequential pass, so it
// can stream to an AtomicFileWriter (wembed encode) or a ScratchFile (the
// training cache): header, options and vocabulary first; then the encoded
// corpus in chunk-sized data sections as it comes, the CRCs, the
// fingerprint, the counts and the longest sentence computed on the way; then
// the summary. Not thread-safe.
#ifndef WEMBED_SRC_CORPUS_CORPUS_FILE_WRITER_H_
#define WEMBED_SRC_CORPUS_CORPUS_FILE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/byte_sink.h"
#include "wembed/base/status.h"
#include "wembed/corpus/corpus_file.h"
#include "wembed/corpus/encoded_corpus.h"
#include "wembed/corpus/vocabulary.h"

namespace wembed {

inline constexpr char kCorpusFileMagic[] = "WEMBEDEC";  // 8 bytes + NUL
inline constexpr uint64_t kDefaultCorpusChunkBytes = uint64_t{1} << 20;
inline constexpr uint64_t kMaxCorpusChunkBytes = uint64_t{1} << 30;

// Section types of an encoded-corpus file.
enum CorpusSectionType : uint32_t {
  kCorpusOptionsSection = 1,
  kCorpusVocabularySection = 2,
  kCorpusDataSection = 3,
  kCorpusSummarySection = 4,
  kCorpusEndSection = 5,
};
inline constexpr size_t kCorpusSummaryBytes = 48;

// "options", "vocabulary", "data", ... for messages.
std::string CorpusSectionName(uint32_t type);

class CorpusFileWriter {
 public:
  // `chunk_bytes` (1..kMaxCorpusChunkBytes): data bytes per data section.
  explicit CorpusFileWriter(ByteSink& out,
                            uint64_t chunk_bytes = kDefaultCorpusChunkBytes);

  // Writes the header, the options and the vocabulary sections.
  Status Begin(const std::vector<std::pair<std::string, std::string>>& options,
               const Vocabulary& vocab);
  // Appends encoded-corpus bytes (split anywhere).
  Status AppendData(const uint8_t* data, size_t n);
  // Writes the last data section, the summary and the end section.
  // InvalidArgument if no data was appended.
  Status Finish();

  // Valid after Finish().
  const CorpusFileSummary& summary() const { return summary_; }
  // File offset of the first data section (valid after Begin()).
  uint64_t first_data_offset() const { return first_data_offset_; }
  uint64_t bytes_written() const { return written_; }

 private:
  Status Write(const void* data, size_t n);
  Status FlushChunk();
  // Fingerprint, token and sentence counts, longest sentence.
  void Account(const uint8_t* p, size_t n);

  ByteSink& out_;
  std::vector<uint8_t> chunk_;  // head, payload, room for the crc
  size_t chunk_fill_ = 0;       // payload bytes in chunk_
  CorpusFileSummary summary_;
  CorpusFingerprint fingerprint_;  // of the data so far
  uint64_t sentence_bytes_ = 0;    // bytes of the open sentence
  uint64_t first_data_offset_ = 0;
  uint64_t written_ = 0;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_CORPUS_FILE_WRITER_H_
