// LoadEmbeddings on arbitrary bytes: the word2vec text reader (and, through
// format detection, the binary and gzip paths): `wembed eval/query/plot
// --vectors`. A parse either fails with a Status or yields rows x dim
// values that the input can account for.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz_input.h"
#include "wembed/vectors/embeddings.h"

using wembed_fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = wembed_fuzz::WriteInput(data, size);
  wembed::EmbeddingsLoadInfo info;
  auto loaded = wembed::LoadEmbeddings(path, 0, &info);
  if (!loaded.ok()) {
    Check(!loaded.status().message().empty(), "error without a message");
    return 0;
  }
  const wembed::Embeddings& e = loaded.value();
  Check(e.words.size() == e.vectors.rows(), "one word per row");
  Check(e.words.size() + info.duplicates_dropped == info.header_rows,
        "rows kept + duplicates dropped == header rows");
  const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  // Text needs >= 2 bytes per value ("0 "), binary 4: never more values
  // than input bytes (gzip may expand, so it is exempt).
  if (!gzip) {
    Check(e.vectors.rows() * e.vectors.cols() <= size,
          "more values than input bytes");
  }
  std::set<std::string> seen;
  for (size_t r = 0; r < e.vectors.rows(); ++r) {
    Check(!e.words[r].empty(), "empty word");
    Check(seen.insert(e.words[r]).second, "duplicate word kept");
    const float* row = e.vectors.row(r);
    for (size_t c = 0; c < e.vectors.cols(); ++c) {
      Check(std::isfinite(row[c]), "non-finite value accepted");
    }
  }
  return 0;
}
