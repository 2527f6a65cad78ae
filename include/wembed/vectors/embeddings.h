// Embeddings: a word list with one vector per word, and the word2vec file
// formats every other tool reads (gensim, fastText, word2vec.c).
//
// word2vec text:   "V D\n", then per row "word f1 f2 ... fD\n".
// word2vec binary: "V D\n", then per row "word " + D little-endian float32
//                  + "\n" (byte-compatible with word2vec.c's output).
#ifndef WEMBED_VECTORS_EMBEDDINGS_H_
#define WEMBED_VECTORS_EMBEDDINGS_H_

#include <string>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/matrix.h"
#include "wembed/base/status.h"

namespace wembed {

struct Embeddings {
  std::vector<std::string> words;  // row i of `vectors` belongs to words[i]
  Matrix vectors;                  // words.size() x dim
};

enum class VectorFormat { kBinary, kText };

// Which of a model's two matrices to export: W_E (the input vectors), the
// context (output) vectors, their sum, or input + w * output (kMix, w the
// output weight). kAuto is kMix for skip-gram with a vector per word in the
// output matrix (negative sampling), kInput otherwise (docs/quality.md);
// callers resolve it with ResolveOutputVectors before choosing.
enum class OutputVectors { kInput, kOutput, kSum, kMix, kAuto };
const char* OutputVectorsName(OutputVectors which);  // "input", ...
constexpr double kDefaultOutputWeight = 0.25;

// kAuto resolved for a model: `skip_gram_word_outputs` is true for skip-gram
// whose output matrix holds one vector per word. Other values unchanged.
OutputVectors ResolveOutputVectors(OutputVectors which,
                                   bool skip_gram_word_outputs);

struct Checkpoint;
// What kAuto means for checkpoint `c`: mix for a skip-gram run (the
// "model" option absent or "sg") whose output matrix holds a vector per
// word and that has no subwords, input otherwise; so a checkpoint loads as
// the vectors its run wrote.
OutputVectors AutoVectorsFor(const Checkpoint& c);

// The vectors `which` (not kAuto) selects from a model's `input` and
// `output` matrices (equal shapes): `input` or `output` itself, without a
// copy, or input + w * output (w = 1 for kSum, `output_weight` for kMix),
// built in `*sum_storage`. The reference is valid while the arguments are.
const Matrix& ChooseVectors(const Matrix& input, const Matrix& output,
                            OutputVectors which, Matrix* sum_storage,
                            double output_weight = kDefaultOutputWeight);

// Writes rows [0, vectors.rows()) crash-safely (temp file + rename).
// Precondition: words.size() == vectors.rows(). Words that are empty or
// contain whitespace are refused (InvalidArgument).
Status WriteWord2Vec(const std::string& path,
                     const std::vector<std::string>& words,
                     const Matrix& vectors, VectorFormat format,
                     const Env& env = Env::Default());

// What LoadEmbeddings found, for callers that report it.
struct EmbeddingsLoadInfo {
  VectorFormat format = VectorFormat::kText;  // meaningless for checkpoints
  bool from_checkpoint = false;
  size_t header_rows = 0;         // rows the header (or checkpoint) announces
  size_t duplicates_dropped = 0;  // rows dropped as repeats of an earlier word
  std::string first_duplicate;    // the first such word, if any
};

// Loads word2vec text or binary (auto-detected, whoever wrote it) or a wembed
// checkpoint (its input matrix W_E) from any input the I/O layer reads: a
// regular file, a pipe, "-" for stdin, each plain or gzip. max_rows > 0
// keeps only the first max_rows rows. Fills `*info` (may be null) on
// success. Errors name the file and the line or row.
//
// Format details (see docs/evaluation.md):
//  - The header is "V D" (extra blanks, a CR and a UTF-8 BOM tolerated).
//    Text vs binary is decided from the first rows.
//  - Text rows: word, then D numbers separated by spaces or tabs; trailing
//    blanks (fastText .vec) and CRLF line ends are accepted.
//  - Binary rows: optional whitespace (the "\n" after the previous row,
//    absent in files from old gensim), the word up to a space, D
//    little-endian float32. The file may end without a final newline.
//  - A word that repeats an earlier one is dropped (the first row wins, as in
//    gensim); max_rows counts the rows kept.
//  - Errors (kCorruption / kNotFound / kIoError): unknown format, wrong number
//    of values, non-numeric or non-finite values, truncated rows, fewer rows
//    than announced, data after the last row. Memory follows the rows
//    actually present, never the header's claim.
StatusOr<Embeddings> LoadEmbeddings(const std::string& path,
                                    size_t max_rows = 0,
                                    EmbeddingsLoadInfo* info = nullptr,
                                    const Env& env = Env::Default());

// The vectors LoadEmbeddings gives for checkpoint *ckpt, already read (the
// vectors its run writes by default: AutoVectorsFor, composed with
// --subwords), its first max_rows rows when max_rows > 0. May move
// ckpt->input out; leaves ckpt->subwords and ckpt->subword_input. `name`
// (the file) is for errors: a non-finite value is kCorruption.
StatusOr<Embeddings> CheckpointEmbeddings(Checkpoint* ckpt, size_t max_rows,
                                          const std::string& name);

}  // namespace wembed

#endif  // WEMBED_VECTORS_EMBEDDINGS_H_
