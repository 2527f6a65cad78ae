// Where the bytes of a file-backed EncodedCorpus are: the data sections of
// an encoded-corpus file (docs/encoded-corpus-format.md). Data byte o lives
// in data section o / C (C = chunk_bytes), all sections but the last holding
// exactly C bytes, so its file offset is computed, not looked up.
#ifndef WEMBED_SRC_CORPUS_ENCODED_CORPUS_FILE_H_
#define WEMBED_SRC_CORPUS_ENCODED_CORPUS_FILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/random_access_file.h"
#include "wembed/base/status.h"
#include "wembed/corpus/encoded_corpus.h"

namespace wembed {

struct EncodedCorpus::FileData {
  std::unique_ptr<RandomAccessFile> file;
  uint64_t first_section_offset = 0;  // of the first data section's header
  uint64_t chunk_bytes = 0;           // C, >= 1
  // A named file the user gave (it could change while read): readers
  // check the ids they read (EncodedCorpus::reads_need_checks).
  bool needs_checks = false;

  // File offset of data byte `offset`.
  uint64_t FileOffset(uint64_t offset) const;
  // Copies data bytes [offset, offset + n) to `buf`, one pread per section.
  Status Read(uint64_t offset, void* buf, size_t n) const;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_ENCODED_CORPUS_FILE_H_
