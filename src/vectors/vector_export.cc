#include "wembed/vectors/vector_export.h"

#include <charconv>
#include <filesystem>
#include <system_error>

#include "base/atomic_file_writer.h"
#include "base/coding.h"
#include "vectors/row_checks.h"

namespace wembed {
namespace {

// An AtomicFileWriter behind a buffer of about kFlushBytes.
class BufferedOutput {
 public:
  BufferedOutput(const std::string& path, const Env& env) : out_(path, env) {}

  Status Open() {
    buf_.reserve(kFlushBytes + 4096);
    return out_.Open();
  }
  std::string& buffer() { return buf_; }
  // Writes the buffer once it holds kFlushBytes.
  Status MaybeFlush() {
    if (buf_.size() < kFlushBytes) return Status::Ok();
    WEMBED_RETURN_IF_ERROR(out_.Append(buf_.data(), buf_.size()));
    buf_.clear();
    return Status::Ok();
  }
  Status Commit() {
    WEMBED_RETURN_IF_ERROR(out_.Append(buf_.data(), buf_.size()));
    return out_.Commit();
  }

 private:
  static constexpr size_t kFlushBytes = size_t{4} << 20;
  AtomicFileWriter out_;
  std::string buf_;
};

const std::string& NameOrEmpty(ExportFormat format) {
  static const std::string kNone;
  for (const ExportFormatInfo& f : ExportFormats()) {
    if (f.format == format) return f.name;
  }
  return kNone;
}

// Creates `dir` (not its parents) unless it is already a directory.
Status EnsureDirectory(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::Ok();
  if (std::filesystem::exists(dir, ec)) {
    return Status::InvalidArgument(dir + ": exists and is not a directory");
  }
  if (!std::filesystem::create_directory(dir, ec) || ec) {
    return Status::IoError("mkdir " + dir + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace

const char* VectorFormatName(VectorFormat format) {
  return format == VectorFormat::kText ? "txt" : "bin";
}

const std::vector<ExportFormatInfo>& ExportFormats() {
  static const std::vector<ExportFormatInfo> formats = {
      {ExportFormat::kBin, VectorFormatName(VectorFormat::kBinary),
       "word2vec binary (one file)"},
      {ExportFormat::kTxt, VectorFormatName(VectorFormat::kText),
       "word2vec text (one file)"},
      {ExportFormat::kTsv, "tsv",
       std::string("TensorBoard projector: directory with ") + kTsvVectorsFile +
           " (no header) and " + kTsvMetadataFile},
      {ExportFormat::kNpy, "npy",
       std::string("NumPy: directory with ") + kNpyVectorsFile +
           " (float32, rows x dim) and " + kNpyWordsFile +
           " (one word per line)"},
  };
  return formats;
}

std::optional<ExportFormat> ParseExportFormat(std::string_view name) {
  for (const ExportFormatInfo& f : ExportFormats()) {
    if (f.name == name) return f.format;
  }
  return std::nullopt;
}

const std::string& ExportFormatName(ExportFormat format) {
  return NameOrEmpty(format);
}

std::string ExportFormatChoices() {
  const std::vector<ExportFormatInfo>& all = ExportFormats();
  std::string s;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i > 0) s += i + 1 == all.size() ? " or " : ", ";
    s += all[i].name;
  }
  return s;
}

bool IsDirectoryFormat(ExportFormat format) {
  return format == ExportFormat::kTsv || format == ExportFormat::kNpy;
}

std::vector<std::string> ExportPaths(const std::string& output,
                                     ExportFormat format) {
  const std::string dir =
      output.empty() || output.back() == '/' ? output : output + "/";
  switch (format) {
    case ExportFormat::kTsv:
      return {dir + kTsvVectorsFile, dir + kTsvMetadataFile};
    case ExportFormat::kNpy:
      return {dir + kNpyVectorsFile, dir + kNpyWordsFile};
    default:
      return {output};
  }
}

std::string NpyHeader(size_t rows, size_t cols) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                     std::to_string(rows) + ", " + std::to_string(cols) +
                     "), }";
  // magic (6) + version (2) + header length (2) + dict + padding + '\n'.
  constexpr size_t kPrefix = 10, kAlign = 64;
  const size_t unpadded = kPrefix + dict.size() + 1;
  dict.append((kAlign - unpadded % kAlign) % kAlign, ' ');
  dict += '\n';
  std::string header("\x93NUMPY\x01\x00", 8);
  header += char(uint8_t(dict.size() & 0xff));
  header += char(uint8_t(dict.size() >> 8));
  return header + dict;
}

Status WriteNpy(const std::string& path, const Matrix& vectors,
                const Env& env) {
  BufferedOutput out(path, env);
  WEMBED_RETURN_IF_ERROR(out.Open());
  std::string& buf = out.buffer();
  buf = NpyHeader(vectors.rows(), vectors.cols());
  const size_t dim = vectors.cols();
  for (size_t r = 0; r < vectors.rows(); ++r) {
    const float* v = vectors.row(r);
    const size_t at = buf.size();
    buf.resize(at + 4 * dim);
    EncodeFloats(&buf[at], v, dim);
    WEMBED_RETURN_IF_ERROR(out.MaybeFlush());
  }
  return out.Commit();
}

Status WriteTsvVectors(const std::string& path, const Matrix& vectors,
                       const Env& env) {
  BufferedOutput out(path, env);
  WEMBED_RETURN_IF_ERROR(out.Open());
  std::string& buf = out.buffer();
  char num[32];
  for (size_t r = 0; r < vectors.rows(); ++r) {
    const float* v = vectors.row(r);
    for (size_t c = 0; c < vectors.cols(); ++c) {
      if (c > 0) buf += '\t';
      // Shortest representation that reads back to the same float.
      const auto res = std::to_chars(num, num + sizeof(num), v[c]);
      buf.append(num, res.ptr);
    }
    buf += '\n';
    WEMBED_RETURN_IF_ERROR(out.MaybeFlush());
  }
  return out.Commit();
}

Status WriteWordList(const std::string& path,
                     const std::vector<std::string>& words, const Env& env) {
  BufferedOutput out(path, env);
  WEMBED_RETURN_IF_ERROR(out.Open());
  std::string& buf = out.buffer();
  for (const std::string& w : words) {
    buf += w;
    buf += '\n';
    WEMBED_RETURN_IF_ERROR(out.MaybeFlush());
  }
  return out.Commit();
}

Status ExportVectors(const std::string& output,
                     const std::vector<std::string>& words,
                     const Matrix& vectors, ExportFormat format,
                     const Env& env) {
  switch (format) {
    case ExportFormat::kBin:
      return WriteWord2Vec(output, words, vectors, VectorFormat::kBinary, env);
    case ExportFormat::kTxt:
      return WriteWord2Vec(output, words, vectors, VectorFormat::kText, env);
    default:
      break;
  }
  const std::vector<std::string> paths = ExportPaths(output, format);
  WEMBED_RETURN_IF_ERROR(CheckRowsForWriting(
      paths[1], words, vectors, ExportFormatName(format) + " exports"));
  WEMBED_RETURN_IF_ERROR(EnsureDirectory(output));
  if (format == ExportFormat::kTsv) {
    WEMBED_RETURN_IF_ERROR(WriteTsvVectors(paths[0], vectors, env));
  } else {
    WEMBED_RETURN_IF_ERROR(WriteNpy(paths[0], vectors, env));
  }
  return WriteWordList(paths[1], words, env);
}

}  // namespace wembed
