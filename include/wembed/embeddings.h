// Embeddings: a word list with one vector per word, and the word2vec file
// formats every other tool reads (gensim, fastText, word2vec.c).
//
// word2vec text:   "V D\n", then per row "word f1 f2 ... fD\n".
// word2vec binary: "V D\n", then per row "word " + D little-endian float32
//                  + "\n" (byte-compatible with word2vec.c's output).
#ifndef WEMBED_EMBEDDINGS_H_
#define WEMBED_EMBEDDINGS_H_

#include <string>
#include <vector>

#include "wembed/matrix.h"
#include "wembed/status.h"

namespace wembed {

struct Embeddings {
  std::vector<std::string> words;  // row i of `vectors` belongs to words[i]
  Matrix vectors;                  // words.size() x dim
};

enum class VectorFormat { kBinary, kText };

// Writes rows [0, vectors.rows()) crash-safely (temp file + rename).
// Precondition: words.size() == vectors.rows().
Status WriteWord2Vec(const std::string& path,
                     const std::vector<std::string>& words,
                     const Matrix& vectors, VectorFormat format);

// Loads word2vec text or binary (auto-detected, whoever wrote it) or a wembed
// checkpoint (its input matrix W_E). max_rows > 0 keeps only the first
// max_rows rows. Errors name the file and the line or row.
StatusOr<Embeddings> LoadEmbeddings(const std::string& path,
                                    size_t max_rows = 0);

}  // namespace wembed

#endif  // WEMBED_EMBEDDINGS_H_
