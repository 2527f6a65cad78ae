// AtomicFileWriter: writes a file so that a crash, a full disk or a kill at
// any moment leaves either the old file or the complete new one at the path,
// never a half-written one. Also the FaultInjector test hook it consults
// before every system call.
#ifndef WEMBED_SRC_FILE_UTIL_H_
#define WEMBED_SRC_FILE_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "wembed/status.h"

namespace wembed {

// The system calls AtomicFileWriter makes, in order.
enum class FileOp {
  kCreate,   // open(2) of the temp file
  kWrite,    // each write(2) of the temp file
  kFsync,    // fsync(2) of the temp file
  kClose,    // close(2) of the temp file
  kRename,   // rename(2) of the temp file over the target
  kSyncDir,  // open(2) + fsync(2) of the containing directory
};

// Name of the step for error messages ("write", "fsync", ...).
const char* FileOpName(FileOp op);

// Test hook: lets a test make individual system calls fail (ENOSPC, EIO...),
// write fewer bytes than asked, or stop the process mid-write. Production code
// passes nullptr.
class FaultInjector {
 public:
  virtual ~FaultInjector() = default;
  // Called before each system call `op`. Return 0 to let it run, or an errno
  // value to make it fail with that error without running. For kWrite,
  // `*size` holds the bytes about to be written and may be lowered (to >= 1)
  // to force a short write; it is nullptr for other ops.
  virtual int BeforeOp(FileOp op, size_t* size) = 0;
};

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
// target are removed at Open().
//
// Not thread-safe. Two writers for the same path must not run at once in one
// process (they would share the temp file name).
class AtomicFileWriter {
 public:
  // `faults` may be null; it must outlive the writer.
  explicit AtomicFileWriter(std::string path, FaultInjector* faults = nullptr);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  Status Open();
  Status Append(const void* data, size_t size);
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
  FaultInjector* faults_;
  int fd_ = -1;
  bool committed_ = false;
  uint64_t bytes_written_ = 0;
  Status error_;
};

// Fsyncs directory `dir` so that a rename inside it is durable. File systems
// that cannot fsync directories (EINVAL) count as success.
Status SyncDirectory(const std::string& dir, FaultInjector* faults = nullptr);

// Directory part of `path` ("." if it has none).
std::string DirName(const std::string& path);

// Removes "<path>.tmp.<pid>" files left by AtomicFileWriters of processes
// that no longer exist (killed mid-write). Best effort: files of live
// processes and of this process are kept; errors are ignored. Returns the
// number of files removed.
int RemoveStaleTempFiles(const std::string& path);

// The error for input file `path` that could not be opened (or stat()ed)
// with errno `err`, worded the same by every reader: NotFound "<path>: no
// such file", IoError "<path>: is a directory" for EISDIR, else IoError
// "<path>: cannot open: <strerror>".
Status InputOpenError(const std::string& path, int err);

// Checks input `path` before a reader opens it: InputOpenError when it
// cannot be stat()ed, "<path>: is a directory" for a directory. Readers that
// open with ifstream (which opens directories) call it first.
Status CheckInputPath(const std::string& path);

// strerror() text of `err`, thread-safe.
std::string ErrnoMessage(int err);

}  // namespace wembed

#endif  // WEMBED_SRC_FILE_UTIL_H_
