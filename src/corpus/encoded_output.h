// EncodedOutput: where the scan writes the final encoded corpus (see
// EncodedStorage): a buffer in memory, or a .wenc file written through
// CorpusFileWriter to an AtomicFileWriter (wembed encode) or a ScratchFile
// (the training run's cache), read back on demand once finished.
#ifndef WEMBED_SRC_CORPUS_ENCODED_OUTPUT_H_
#define WEMBED_SRC_CORPUS_ENCODED_OUTPUT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "wembed/base/env.h"
#include "wembed/base/status.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/corpus/encoded_corpus.h"
#include "wembed/corpus/vocabulary.h"

namespace wembed {

class EncodedOutput {
 public:
  // The output `request` asks for (its storage, paths and options).
  static StatusOr<std::unique_ptr<EncodedOutput>> Create(
      const ScanRequest& request, const Env& env);
  virtual ~EncodedOutput() = default;

  // Starts the output once the vocabulary is final (a file's header,
  // options and vocabulary). `size_hint` bounds the encoded bytes (0 =
  // unknown).
  virtual Status Begin(const Vocabulary& vocab, uint64_t size_hint) = 0;
  // Appends encoded bytes (split anywhere).
  virtual Status Append(const uint8_t* p, size_t n) = 0;
  // Completes the output and returns the corpus (file-backed for files).
  // For a kept scratch file, *kept_path receives its name.
  virtual StatusOr<EncodedCorpus> Finish(std::string* kept_path) = 0;
  // Encoded bytes appended so far.
  virtual uint64_t bytes() const = 0;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_ENCODED_OUTPUT_H_
