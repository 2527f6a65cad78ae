// RandomAccessFile: reads of a regular file at any offset (pread(2)), from
// any number of threads at once, for formats read out of order (the encoded
// corpus: each training thread reads its own range). Every open and read
// goes through the Env, so tests can inject faults.
#ifndef WEMBED_SRC_BASE_RANDOM_ACCESS_FILE_H_
#define WEMBED_SRC_BASE_RANDOM_ACCESS_FILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

class RandomAccessFile {
 public:
  // Opens `path`, which must be a regular file. Errors name it: NotFound
  // "<path>: no such file", IoError "<path>: is a directory" / "not a
  // regular file" / "cannot open: ...".
  static StatusOr<std::unique_ptr<RandomAccessFile>> Open(
      const std::string& path, const Env& env = Env::Default());

  // Takes ownership of `fd`, a descriptor open for reading; `name` is used in
  // messages and for the Env's fault hook. `env` must outlive the file.
  RandomAccessFile(int fd, std::string name, uint64_t size, const Env& env);
  ~RandomAccessFile();
  RandomAccessFile(const RandomAccessFile&) = delete;
  RandomAccessFile& operator=(const RandomAccessFile&) = delete;

  // Reads exactly `n` bytes at `offset` into `buf`. Errors name the file:
  // IoError "<name>: read failed: ...", Corruption "<name>: unexpected end
  // of file at offset N" when the file is shorter. Thread-safe.
  Status ReadAt(uint64_t offset, void* buf, size_t n) const;

  // Asks the kernel to start reading [offset, offset + n) in the
  // background (posix_fadvise WILLNEED); a hint, never an error.
  void Prefetch(uint64_t offset, uint64_t n) const;

  uint64_t size() const { return size_; }  // at open time
  const std::string& name() const { return name_; }

 private:
  int fd_;
  std::string name_;
  uint64_t size_;
  const Env& env_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_RANDOM_ACCESS_FILE_H_
