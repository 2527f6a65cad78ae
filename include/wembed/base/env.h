// Env: the one door through which the library touches files. Every reader
// and writer (corpus, vocabulary, questions, pairs, vectors, checkpoints)
// takes an Env; production code passes Env::Default(). A test builds an Env
// around a FaultInjector to make any single system call fail (EIO, ENOSPC,
// ...), return short, or stop the process, and so checks that every I/O
// error gives one clear Status and leaves no partial output behind.
#ifndef WEMBED_BASE_ENV_H_
#define WEMBED_BASE_ENV_H_

#include <cstddef>
#include <string>

namespace wembed {

// The system calls behind the I/O layer, in the order a reader or an
// atomic writer makes them.
enum class FileOp {
  kOpen,     // open(2) of an input file
  kRead,     // each read(2) of an input file
  kCreate,   // open(2) of an output's temp file (or the output itself)
  kWrite,    // each write(2) of an output
  kFsync,    // fsync(2) of the temp file
  kClose,    // close(2) of the temp file
  kRename,   // rename(2) of the temp file over the target
  kSyncDir,  // open(2) + fsync(2) of the output's directory
};

// Name of the step for error messages ("read", "write", "fsync", ...).
const char* FileOpName(FileOp op);

// Test hook consulted before each system call.
class FaultInjector {
 public:
  virtual ~FaultInjector() = default;
  // Called before `op` on `path`. Return 0 to let the call run, or an errno
  // value to make it fail with that error without running. For kRead and
  // kWrite, `*size` holds the bytes about to be transferred and may be
  // lowered (to >= 1) to force a short read or write; it is nullptr for the
  // other ops. Called from the thread doing the I/O (the corpus reader has a
  // thread of its own), so implementations must be thread-safe.
  virtual int BeforeOp(FileOp op, const std::string& path, size_t* size) = 0;
};

// Immutable once built; safe to share between threads.
class Env {
 public:
  constexpr Env() = default;
  // `faults` may be null and must outlive the Env.
  explicit constexpr Env(FaultInjector* faults) : faults_(faults) {}

  // The real file system, no faults.
  static const Env& Default();

  // 0, or the errno the injector chose for `op` (see FaultInjector).
  int BeforeOp(FileOp op, const std::string& path, size_t* size) const {
    return faults_ == nullptr ? 0 : faults_->BeforeOp(op, path, size);
  }

 private:
  FaultInjector* faults_ = nullptr;
};

}  // namespace wembed

#endif  // WEMBED_BASE_ENV_H_
