// AtomicFileWriter: writes a file so that a crash, a full disk or a kill at
// any moment leaves either the old file or the complete new one at the path,
// never a half-written one. Every system call goes through the Env, so tests
// can inject faults.
#ifndef WEMBED_SRC_BASE_ATOMIC_FILE_WRITER_H_
#define WEMBED_SRC_BASE_ATOMIC_FILE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/byte_sink.h"
#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

// Where a write of a path goes once symlinks are followed.
struct OutputTarget {
  enum class Kind {
    kNew,      // nothing there yet: created (temp file + rename)
    kRegular,  // an existing regular file: replaced (temp file + rename)
    kStream,   // a character device, FIFO or socket: written in place
    kFd,       // a descriptor of this process (/dev/stdout, /dev/fd/N,
               // /proc/self/fd/N): written through a dup(2) of it
  };
  Kind kind = Kind::kNew;
  // The final path, no longer a symlink (kNew, kRegular, kStream); for kFd
  // the path as given.
  std::string path;
  int fd = -1;  // kFd only
};

// Follows `path` the way AtomicFileWriter writes it: symlinks are followed
// one by one, dangling ones too (the file they name is the target). Errors
// (IoError naming `path`): a directory, too many levels of symlinks. A path
// that cannot be examined (missing parent directory, no permission) is
// kNew; creating it then reports the problem.
StatusOr<OutputTarget> ResolveOutputTarget(const std::string& path);

// Writes `path` crash-safely: Open() creates "<target>.tmp.<pid>" in the
// target's directory, Append() writes to it (handling short writes),
// Commit() fsyncs it, closes it, renames it over the target and fsyncs the
// directory. If anything fails before the rename, or the writer is destroyed
// uncommitted, the temp file is removed and the target is untouched. Errors
// name the step and the file, e.g. "write /x/ck.tmp.123: No space left on
// device"; after the first error every later call returns it again.
//
// The target is ResolveOutputTarget(path): a symlink is followed (the file
// it names is replaced or created, the link kept); a character device, FIFO
// or socket (/dev/null, a named pipe) is opened and written directly, and a
// descriptor path (/dev/stdout, /dev/fd/N) is written through its open
// descriptor, with no temp file, fsync or rename (such writes cannot be
// atomic); a directory is an error. Temp files left by killed writers of the
// target are removed at Open(). The temp file is created with O_EXCL and
// O_NOFOLLOW (whatever is at its name is unlinked, never written through),
// with the target's mode if the target exists, else 0666 less the umask.
//
// Not thread-safe. Two writers for the same path must not run at once in one
// process (they would share the temp file name).
class AtomicFileWriter final : public ByteSink {
 public:
  // `env` must outlive the writer.
  explicit AtomicFileWriter(std::string path, const Env& env = Env::Default());
  ~AtomicFileWriter() override;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  Status Open();
  Status Append(const void* data, size_t size) override;
  // After an OK Commit() the new file is at the target and durable. If only
  // the final directory fsync fails, the target already holds the complete
  // new file and the error says so.
  Status Commit();
  // Closes and removes the temp file (no-op after Commit()).
  void Abandon();

  // The path as given.
  const std::string& path() const { return path_; }
  // Where the data goes: the temp file, or for a direct write the target
  // (empty before Open()).
  const std::string& temp_path() const { return temp_path_; }
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  Status Fail(FileOp op, const std::string& file, int err);
  int Inject(FileOp op, size_t* size);

  std::string path_;
  OutputTarget target_;
  std::string temp_path_;
  bool direct_ = false;  // no temp file: written in place
  const Env& env_;
  int fd_ = -1;
  bool committed_ = false;
  uint64_t bytes_written_ = 0;
  Status error_;
};

// How BufferedFileWriter stores what it is given.
enum class Compression {
  kNone,  // as given
  kGzip,  // one gzip member (GzipFileWriter, src/base/gzip_file_writer.h)
};

// kGzip for a path ending in ".gz", else kNone.
Compression CompressionForPath(const std::string& path);

class GzipFileWriter;

// An AtomicFileWriter behind a memory buffer, for writers that produce many
// small pieces (a vocabulary line, a vector row, a line of text): append to
// buffer(), call MaybeFlush() after each piece, Commit() at the end. With
// Compression::kGzip the file holds the bytes gzip-compressed. Not
// thread-safe.
class BufferedFileWriter {
 public:
  // `env` must outlive the writer.
  explicit BufferedFileWriter(std::string path, const Env& env = Env::Default(),
                              size_t flush_bytes = size_t{4} << 20,
                              Compression compression = Compression::kNone);
  ~BufferedFileWriter();
  Status Open() { return writer_.Open(); }
  std::string& buffer() { return buffer_; }
  // Writes the buffer out once it holds flush_bytes or more.
  Status MaybeFlush() {
    return buffer_.size() >= flush_bytes_ ? Flush() : Status::Ok();
  }
  // Writes what is buffered (and ends the gzip stream), then commits (see
  // AtomicFileWriter::Commit).
  Status Commit();
  // Bytes written to the file so far (compressed size with kGzip).
  uint64_t bytes_written() const { return writer_.bytes_written(); }

 private:
  Status Flush();

  AtomicFileWriter writer_;
  std::unique_ptr<GzipFileWriter> gzip_;  // null: Compression::kNone
  size_t flush_bytes_;
  std::string buffer_;
};

// Fsyncs directory `dir` so that a rename inside it is durable. File systems
// that cannot fsync directories (EINVAL) count as success.
Status SyncDirectory(const std::string& dir, const Env& env = Env::Default());

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_ATOMIC_FILE_WRITER_H_
