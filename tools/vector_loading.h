// The --vectors option of the eval and query commands, and the loading of
// those vectors with the warnings the library reports through
// EmbeddingsLoadInfo printed to stderr.
#ifndef WEMBED_TOOLS_VECTOR_LOADING_H_
#define WEMBED_TOOLS_VECTOR_LOADING_H_

#include <string>

#include "cli_common.h"
#include "wembed/vectors/embeddings.h"
#include "wembed/base/status.h"

namespace wembed::cli {

// Adds the required --vectors option (word2vec text/binary file or wembed
// checkpoint) bound to `path`.
void AddVectorsOption(po::options_description& desc, std::string* path);

// LoadEmbeddings(path, max_rows, info); prints "wembed <command>: warning:
// ..." for dropped duplicate words.
StatusOr<Embeddings> LoadVectorsForCommand(const std::string& command,
                                           const std::string& path,
                                           size_t max_rows,
                                           EmbeddingsLoadInfo* info);

// "binary", "text" or "checkpoint".
const char* VectorSourceName(const EmbeddingsLoadInfo& info);

}  // namespace wembed::cli

#endif  // WEMBED_TOOLS_VECTOR_LOADING_H_
