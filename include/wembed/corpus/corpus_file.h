// Encoded-corpus files (.wenc): a corpus scanned and encoded once (`wembed
// encode`), to be trained on any number of times (`wembed train --input
// corpus.wenc` skips the scan). The byte layout is specified in
// docs/encoded-corpus-format.md: the options it was made with, the
// vocabulary, the encoded corpus (EncodedCorpus's format) in checksummed
// chunks, and a summary (token and sentence counts, the fingerprint that
// checkpoints refer to). The training run's own cache uses the same format.
#ifndef WEMBED_CORPUS_CORPUS_FILE_H_
#define WEMBED_CORPUS_CORPUS_FILE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/status.h"
#include "wembed/corpus/encoded_corpus.h"
#include "wembed/corpus/vocabulary.h"

namespace wembed {

// Written: 2. Read: 1 and 2, which differ only in the summary's
// fingerprint (docs/encoded-corpus-format.md): FNV-1a in version 1.
inline constexpr uint32_t kCorpusFileFormatVersion = 2;

// The totals a .wenc file stores after its data.
struct CorpusFileSummary {
  uint64_t data_bytes = 0;          // EncodedCorpus::size_bytes()
  uint64_t num_tokens = 0;          // EncodedCorpus::num_tokens()
  uint64_t num_sentences = 0;       // EncodedCorpus::num_sentences()
  uint64_t fingerprint = 0;         // EncodedCorpus::Fingerprint()
  uint64_t max_sentence_bytes = 0;  // longest sentence, its 0x00 included
  uint64_t chunk_bytes = 0;         // data bytes per data section (C)
};

struct CorpusFile {
  uint32_t format_version = 0;
  // How it was made: key/value strings as the writer gave them (wembed
  // stores its tokenizer and vocabulary options and the inputs).
  std::vector<std::pair<std::string, std::string>> options;
  Vocabulary vocab;
  EncodedCorpus corpus;  // reads the file on demand
  CorpusFileSummary summary;
  uint64_t file_bytes = 0;
};

// Reads `path` (a regular, uncompressed file) and verifies all of it while
// streaming through it once: header, every section checksum (one per data
// chunk), the section order, and the data itself (well-formed varints of
// ids within the vocabulary, no empty sentence, ends with a sentence end,
// counts equal to the summary's). Memory: the vocabulary and one chunk.
// Errors are Corruption "<path>: <what>" (or IoError/NotFound naming it).
StatusOr<CorpusFile> ReadCorpusFile(const std::string& path,
                                    const Env& env = Env::Default());

// True if the regular file at `path` starts with the .wenc magic.
bool LooksLikeCorpusFile(const std::string& path);

}  // namespace wembed

#endif  // WEMBED_CORPUS_CORPUS_FILE_H_
