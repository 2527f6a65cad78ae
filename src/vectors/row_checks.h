// Checks shared by the writers of vector files (word2vec, TSV, NPY + word
// list): every format that stores words as text refuses the same words.
#ifndef WEMBED_SRC_VECTORS_ROW_CHECKS_H_
#define WEMBED_SRC_VECTORS_ROW_CHECKS_H_

#include <string>
#include <vector>

#include "wembed/base/matrix.h"
#include "wembed/base/status.h"

namespace wembed {

// InvalidArgument naming `path` when words.size() != vectors.rows(), the
// dimension is 0, or a word is empty or contains ASCII whitespace (space,
// tab, newline...), which `what` ("word2vec files") cannot hold: such words
// are refused, never escaped. Defined in embeddings.cc.
Status CheckRowsForWriting(const std::string& path,
                           const std::vector<std::string>& words,
                           const Matrix& vectors, const std::string& what);

}  // namespace wembed

#endif  // WEMBED_SRC_VECTORS_ROW_CHECKS_H_
