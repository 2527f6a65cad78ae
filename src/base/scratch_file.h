// ScratchFile: a temporary file for data that does not fit in memory (the
// corpus scan's spill, the encoded-corpus cache a training run reads). It is
// created in a chosen directory without a name (O_TMPFILE; where the file
// system cannot, it is created and unlinked at once), so it disappears when
// the process ends, however it ends, and its space is then freed. Written
// sequentially, read at any offset through Reader(). Every system call goes
// through the Env. Not thread-safe (readers are).
#ifndef WEMBED_SRC_BASE_SCRATCH_FILE_H_
#define WEMBED_SRC_BASE_SCRATCH_FILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/byte_sink.h"
#include "base/random_access_file.h"
#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

// $TMPDIR if set and non-empty, else /tmp.
std::string DefaultScratchDir();

class ScratchFile final : public ByteSink {
 public:
  // Creates the file in `dir` ("" = DefaultScratchDir()). With `keepable`
  // the file can later be given a name (Keep); on a file system without
  // unnamed files it then has a temporary name until Keep() or destruction.
  // Errors: IoError "cannot create a temporary file in <dir>: <reason>".
  static StatusOr<std::unique_ptr<ScratchFile>> Create(
      const std::string& dir, const Env& env = Env::Default(),
      bool keepable = false);
  ~ScratchFile() override;
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  // Appends `n` bytes. Errors name the directory: IoError "cannot write a
  // temporary file in <dir>: No space left on device (after N bytes)"; after
  // an error every later call returns it again.
  Status Append(const void* data, size_t n) override;

  // A reader of the file with its own descriptor: it stays valid (and the
  // data on disk) after the ScratchFile is destroyed, until it is closed.
  StatusOr<std::unique_ptr<RandomAccessFile>> Reader() const;

  // Gives the file the name `path` (in the same file system), replacing a
  // file of that name atomically. The data stays readable through readers.
  Status Keep(const std::string& path);

  uint64_t size() const { return size_; }
  const std::string& dir() const { return dir_; }

 private:
  ScratchFile(int fd, std::string dir, std::string named_path, const Env& env);

  int fd_;
  std::string dir_;
  // The file's temporary name when it has one (fallback for file systems
  // without O_TMPFILE, keepable only), else "".
  std::string named_path_;
  const Env& env_;
  uint64_t size_ = 0;
  Status error_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_SCRATCH_FILE_H_
