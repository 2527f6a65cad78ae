// LoadEmbeddings on word2vec binary files: the first two input bytes choose
// the header "V D\n" (V in 0..15, D in 1..16) and the rest is the row data,
// so most inputs reach the binary row reader rather than failing on the
// header. Same invariants as word2vec_text_fuzzer.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz_input.h"
#include "wembed/vectors/embeddings.h"

using wembed_fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  std::string file = std::to_string(data[0] % 16) + " " +
                     std::to_string(1 + data[1] % 16) + "\n";
  file.append(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::string path = wembed_fuzz::WriteInput(
      reinterpret_cast<const uint8_t*>(file.data()), file.size());
  wembed::EmbeddingsLoadInfo info;
  auto loaded = wembed::LoadEmbeddings(path, 0, &info);
  if (!loaded.ok()) {
    Check(!loaded.status().message().empty(), "error without a message");
    return 0;
  }
  const wembed::Embeddings& e = loaded.value();
  Check(e.words.size() == e.vectors.rows(), "one word per row");
  Check(info.header_rows == static_cast<size_t>(data[0] % 16),
        "header rows as written");
  Check(e.words.size() + info.duplicates_dropped == info.header_rows,
        "rows kept + duplicates dropped == header rows");
  if (e.vectors.rows() > 0) {
    Check(e.vectors.cols() == static_cast<size_t>(1 + data[1] % 16),
          "dim as written");
  }
  const size_t value_bytes =
      info.format == wembed::VectorFormat::kBinary ? 4 : 1;
  Check(e.vectors.rows() * e.vectors.cols() * value_bytes <= size,
        "more values than input bytes");
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
