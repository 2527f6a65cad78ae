// ScanCorpus on an arbitrary corpus file (plain or gzip): the counting and
// encoding pass of `wembed train` / `wembed encode` / `wembed vocab`. The
// first byte picks the tokenizer options and the block size (so block
// boundaries fall anywhere); the rest is the file. With min_count 1 every
// token is in the vocabulary, so the encoding holds them all; and the scan
// (blocks, threads, spill) finds the tokens and sentences a Tokenizer run
// over the whole text finds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/corpus/encoded_corpus.h"

using wembed_fuzz::Check;
using wembed_fuzz::Failed;

namespace {

struct CountingSink : wembed::TokenSink {
  void OnToken(std::string_view) override { ++tokens; }
  void OnSentenceEnd() override { ++sentences; }
  uint64_t tokens = 0;
  uint64_t sentences = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string path = wembed_fuzz::WriteInput(data + 1, size - 1);
  wembed::ScanRequest request;
  request.inputs = {path};
  request.tokenizer.lowercase = (data[0] & 1) != 0;
  request.tokenizer.strip_punct = (data[0] & 2) != 0;
  request.tokenizer.max_token_bytes = 4 + (data[0] & 4) * 4;
  request.vocab.min_count = 1;
  request.encode = true;
  request.threads = 1 + ((data[0] >> 3) & 1);
  request.block_bytes = 1 + (data[0] >> 4) * 16;
  request.memory_budget = 1 << 16;  // spills beyond 16 KiB
  auto scanned = wembed::ScanCorpus(request);
  if (Failed(scanned)) return 0;
  const wembed::ScanResult& r = scanned.value();
  Check(!r.vocab.empty(), "ok with an empty vocabulary");
  Check(r.vocab.total_count() == r.stats.total_tokens,
        "min_count 1 keeps every token");
  Check(r.corpus.num_tokens() == r.stats.total_tokens, "every token encoded");
  Check(r.corpus.num_sentences() == r.stats.sentences, "every sentence");
  Check(r.corpus.in_memory(), "kMemory corpus in memory");
  Check(wembed::CheckEncodedBytes(r.corpus.data(), r.corpus.size_bytes(),
                                  r.vocab.size())
            .empty(),
        "valid encoding");
  if (size >= 3 && data[1] == 0x1f && data[2] == 0x8b) return 0;  // gzip
  CountingSink whole;
  wembed::Tokenizer tokenizer(request.tokenizer);
  tokenizer.Feed(
      std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
      whole);
  tokenizer.Finish(whole);
  Check(r.stats.total_tokens == whole.tokens, "tokens as one Tokenizer run");
  Check(r.stats.sentences == whole.sentences, "sentences as one Tokenizer");
  for (size_t i = 1; i < r.vocab.size(); ++i) {
    Check(r.vocab.count(static_cast<int32_t>(i - 1)) >=
              r.vocab.count(static_cast<int32_t>(i)),
          "counts descending");
  }
  return 0;
}
