#include "vector_loading.h"

#include <iostream>

namespace wembed::cli {

void AddVectorsOption(po::options_description& desc, std::string* path) {
  desc.add_options()("vectors", po::value<std::string>(path)->required(),
                     "word2vec text/binary vectors (plain or gzip) or a "
                     "wembed checkpoint");
}

StatusOr<Embeddings> LoadVectorsForCommand(const std::string& command,
                                           const std::string& path,
                                           size_t max_rows,
                                           EmbeddingsLoadInfo* info) {
  StatusOr<Embeddings> e = LoadEmbeddings(path, max_rows, info);
  if (e.ok() && info->duplicates_dropped > 0) {
    ReportNote(command, "warning: " + path + ": " +
                            CountOf(info->duplicates_dropped, "row") +
                            (info->duplicates_dropped == 1 ? " repeats"
                                                           : " repeat") +
                            " an earlier word (first: '" +
                            info->first_duplicate +
                            "'); kept the first row of each");
  }
  return e;
}

const char* VectorSourceName(const EmbeddingsLoadInfo& info) {
  if (info.from_checkpoint) return "checkpoint";
  return info.format == VectorFormat::kBinary ? "binary" : "text";
}

}  // namespace wembed::cli
