// ReadCorpusFile on arbitrary bytes: the .wenc reader (`wembed train
// --input corpus.wenc`). A file that reads was verified whole, so its data
// decodes into ids below the vocabulary size, with the summary's counts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "wembed/corpus/corpus_file.h"

using wembed_fuzz::Check;
using wembed_fuzz::Failed;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = wembed_fuzz::WriteInput(data, size);
  auto file = wembed::ReadCorpusFile(path);
  if (Failed(file)) return 0;
  const wembed::CorpusFile& f = file.value();
  Check(f.file_bytes == size, "file_bytes is the file size");
  Check(f.corpus.size_bytes() == f.summary.data_bytes, "data size");
  Check(f.summary.data_bytes <= size, "data larger than the file");
  Check(f.corpus.num_tokens() == f.summary.num_tokens, "token count");
  Check(f.corpus.num_sentences() == f.summary.num_sentences, "sentences");
  Check(f.vocab.words().size() == f.vocab.counts().size(), "vocabulary");
  std::vector<uint8_t> bytes(f.corpus.size_bytes());
  wembed::Status read = f.corpus.Read(0, bytes.data(), bytes.size());
  Check(read.ok(), "the verified data reads back");
  Check(wembed::CheckEncodedBytes(bytes.data(), bytes.size(), f.vocab.size())
            .empty(),
        "verified data decodes");
  Check(bytes.empty() || bytes.back() == 0, "ends with a sentence end");
  auto start = f.corpus.SentenceStartAtOrAfter(bytes.size() / 2);
  Check(start.ok() && start.value() <= bytes.size(), "sentence start");
  return 0;
}
