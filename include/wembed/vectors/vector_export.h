// Exports of word vectors beyond word2vec's own formats: the TensorBoard
// embedding projector's TSV pair and a NumPy .npy array with a word list.
// The byte layouts are specified in docs/exports.md.
//
// Every text format refuses (never escapes) a word that is empty or
// contains ASCII whitespace: no word2vec, TSV or word-list line can then be
// split wrongly. Words from wembed's tokenizer never contain whitespace.
#ifndef WEMBED_VECTORS_VECTOR_EXPORT_H_
#define WEMBED_VECTORS_VECTOR_EXPORT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/matrix.h"
#include "wembed/base/status.h"
#include "wembed/vectors/embeddings.h"

namespace wembed {

// "bin" or "txt": the names of word2vec's two formats (train --format).
const char* VectorFormatName(VectorFormat format);

// What `wembed export --format` and the Python save() write.
enum class ExportFormat {
  kBin,  // word2vec binary, one file
  kTxt,  // word2vec text, one file
  kTsv,  // directory: vectors.tsv + metadata.tsv (TensorBoard projector)
  kNpy,  // directory: vectors.npy + words.txt (NumPy)
};

struct ExportFormatInfo {
  ExportFormat format;
  std::string name;  // "bin", "txt", "tsv", "npy"
  std::string help;  // one line for --help
};

// Every export format, in --help order. Immutable; thread-safe.
const std::vector<ExportFormatInfo>& ExportFormats();
// The format called `name`, or nullopt.
std::optional<ExportFormat> ParseExportFormat(std::string_view name);
const std::string& ExportFormatName(ExportFormat format);
// "bin, txt, tsv or npy".
std::string ExportFormatChoices();

// The files a directory format writes inside its output directory.
inline constexpr char kTsvVectorsFile[] = "vectors.tsv";
inline constexpr char kTsvMetadataFile[] = "metadata.tsv";
inline constexpr char kNpyVectorsFile[] = "vectors.npy";
inline constexpr char kNpyWordsFile[] = "words.txt";

// True for tsv and npy, whose output is a directory holding two files.
bool IsDirectoryFormat(ExportFormat format);
// The files an export to `output` writes: `output` itself for bin and txt,
// output/<file> for the two files of tsv and npy.
std::vector<std::string> ExportPaths(const std::string& output,
                                     ExportFormat format);

// Writes `words` and the rows of `vectors` (words.size() x dim) to `output`
// in `format`. A directory format creates `output` if it does not exist
// (its parent must); each file is replaced atomically, the vectors first.
// Errors (InvalidArgument, IoError) name the file.
Status ExportVectors(const std::string& output,
                     const std::vector<std::string>& words,
                     const Matrix& vectors, ExportFormat format,
                     const Env& env = Env::Default());

// The pieces, for tests and other callers.
// The NPY v1.0 header of a C-order little-endian float32 array of shape
// (rows, cols), padded so that the data starts at a multiple of 64 bytes.
std::string NpyHeader(size_t rows, size_t cols);
// NpyHeader, then rows x cols float32 (the matrix without its padding).
Status WriteNpy(const std::string& path, const Matrix& vectors,
                const Env& env = Env::Default());
// One row per line, values separated by tabs, no header.
Status WriteTsvVectors(const std::string& path, const Matrix& vectors,
                       const Env& env = Env::Default());
// One word per line, in row order, no header (TensorBoard's one-column
// metadata.tsv, and the word list of an npy export).
Status WriteWordList(const std::string& path,
                     const std::vector<std::string>& words,
                     const Env& env = Env::Default());

}  // namespace wembed

#endif  // WEMBED_VECTORS_VECTOR_EXPORT_H_
