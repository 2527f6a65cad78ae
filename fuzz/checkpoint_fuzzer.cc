// ReadCheckpoint on arbitrary bytes (`wembed train --resume/--init`,
// `wembed checkpoint`, LoadEmbeddings of a checkpoint). A checkpoint that
// reads is internally consistent: the shapes WriteCheckpoint requires, and
// matrices the file size accounts for.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"

using wembed_fuzz::Check;
using wembed_fuzz::Failed;

namespace {

void CheckShapes(const wembed::Checkpoint& c, size_t size) {
  const size_t n = c.vocab.size();
  Check(c.format_version >= 1 &&
            c.format_version <= wembed::kCheckpointFormatVersion,
        "known format version");
  Check(c.input.rows() == n, "input has a row per word");
  Check(c.output.rows() == wembed::OutputRowsFor(c.output_layout, n),
        "output rows match the layout");
  Check(c.output.cols() == c.input.cols() || c.output.rows() == 0,
        "output dim == input dim");
  Check(c.progress.threads.size() <= wembed::kMaxCheckpointThreads,
        "thread count bounded");
  for (const wembed::ThreadProgress& t : c.progress.threads) {
    Check(t.begin <= t.position && t.position <= t.end, "position in range");
  }
  if (c.subwords.enabled()) {
    Check(c.subwords.min_n <= c.subwords.max_n &&
              c.subwords.max_n <= wembed::kMaxSubwordLength,
          "subword lengths in range");
    Check(c.subword_input.rows() == c.subwords.buckets,
          "a subword row per bucket");
  } else {
    Check(c.subword_input.empty(), "no subword rows without subwords");
  }
  const size_t floats =
      (c.input.rows() + c.output.rows() + c.subword_input.rows()) *
      c.input.cols();
  Check(floats * sizeof(float) <= size, "matrices larger than the file");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = wembed_fuzz::WriteInput(data, size);
  auto ckpt = wembed::ReadCheckpoint(path);
  auto vectors = wembed::LoadEmbeddings(path);
  if (Failed(ckpt)) return 0;
  CheckShapes(ckpt.value(), size);
  // LoadEmbeddings reads the same file as the checkpoint's input matrix.
  Check(vectors.ok(), "a readable checkpoint loads as vectors");
  Check(vectors.value().vectors.rows() == ckpt.value().input.rows(),
        "LoadEmbeddings rows == checkpoint rows");
  Check(wembed::LooksLikeCheckpoint(path), "LooksLikeCheckpoint");
  return 0;
}
