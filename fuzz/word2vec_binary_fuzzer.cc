// LoadEmbeddings on word2vec binary files: the first two input bytes choose
// the header "V D\n" (V in 0..15, D in 1..16) and the rest is the row data,
// so most inputs reach the binary row reader rather than failing on the
// header. Same invariants as word2vec_text_fuzzer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "wembed/vectors/embeddings.h"

using wembed_fuzz::Check;
using wembed_fuzz::Failed;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  std::string file = std::to_string(data[0] % 16) + " " +
                     std::to_string(1 + data[1] % 16) + "\n";
  file.append(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::string path = wembed_fuzz::WriteInput(
      reinterpret_cast<const uint8_t*>(file.data()), file.size());
  wembed::EmbeddingsLoadInfo info;
  auto loaded = wembed::LoadEmbeddings(path, 0, &info);
  if (Failed(loaded)) return 0;
  const wembed::Embeddings& e = loaded.value();
  wembed_fuzz::CheckEmbeddings(e, info);
  Check(info.header_rows == static_cast<size_t>(data[0] % 16),
        "header rows as written");
  if (e.vectors.rows() > 0) {
    Check(e.vectors.cols() == static_cast<size_t>(1 + data[1] % 16),
          "dim as written");
  }
  const size_t value_bytes =
      info.format == wembed::VectorFormat::kBinary ? 4 : 1;
  Check(e.vectors.rows() * e.vectors.cols() * value_bytes <= size,
        "more values than input bytes");
  return 0;
}
