// Small helpers about paths and errno shared by the I/O layer: wording of
// input errors, directory names, removal of stale temp files.
#ifndef WEMBED_SRC_BASE_PATH_UTIL_H_
#define WEMBED_SRC_BASE_PATH_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

// strerror() text of `err`, thread-safe.
std::string ErrnoMessage(int err);

// Directory part of `path` ("." if it has none).
std::string DirName(const std::string& path);

// The error for input file `path` that could not be opened (or stat()ed)
// with errno `err`, worded the same by every reader: NotFound "<path>: no
// such file", IoError "<path>: is a directory" for EISDIR, else IoError
// "<path>: cannot open: <strerror>".
Status InputOpenError(const std::string& path, int err);

// Checks input `path` without opening it (so a FIFO is not disturbed):
// InputOpenError when it cannot be stat()ed or is a directory. "-" (stdin)
// is OK.
Status CheckInputPath(const std::string& path);

// open(2)s `path` read-only (through env.BeforeOp(kOpen)); the descriptor,
// or InputOpenError.
StatusOr<int> OpenInputFd(const std::string& path, const Env& env);

// Writes the `size` bytes at `data` to `fd`, continuing short writes and
// retrying EINTR, each write(2) through env.BeforeOp(kWrite, name). Adds the
// bytes written to *written. Returns 0, or the errno of the failed write
// (EIO for a write that wrote nothing).
int WriteFully(int fd, const void* data, size_t size, const Env& env,
               const std::string& name, uint64_t* written);

// Removes "<path>.tmp.<pid>" files left by AtomicFileWriters of processes
// that no longer exist (killed mid-write). Best effort: files of live
// processes and of this process are kept; errors are ignored. Returns the
// number of files removed.
int RemoveStaleTempFiles(const std::string& path);

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_PATH_UTIL_H_
