// LoadEmbeddings on arbitrary bytes: the word2vec text reader (and, through
// format detection, the binary and gzip paths): `wembed eval/query/plot
// --vectors`. A parse either fails with a Status or yields rows x dim
// values that the input can account for.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "wembed/vectors/embeddings.h"

using wembed_fuzz::Check;
using wembed_fuzz::Failed;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = wembed_fuzz::WriteInput(data, size);
  wembed::EmbeddingsLoadInfo info;
  auto loaded = wembed::LoadEmbeddings(path, 0, &info);
  if (Failed(loaded)) return 0;
  const wembed::Embeddings& e = loaded.value();
  wembed_fuzz::CheckEmbeddings(e, info);
  const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  // Text needs >= 2 bytes per value ("0 "), binary 4: never more values
  // than input bytes (gzip may expand, so it is exempt).
  if (!gzip) {
    Check(e.vectors.rows() * e.vectors.cols() <= size,
          "more values than input bytes");
  }
  return 0;
}
