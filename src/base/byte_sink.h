// ByteSink: something bytes are appended to in order (an AtomicFileWriter, a
// ScratchFile, a buffer in memory), for writers of binary formats that do
// not care where their bytes go.
#ifndef WEMBED_SRC_BASE_BYTE_SINK_H_
#define WEMBED_SRC_BASE_BYTE_SINK_H_

#include <cstddef>

#include "wembed/base/status.h"

namespace wembed {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Appends `n` bytes; an error names the destination and the cause.
  virtual Status Append(const void* data, size_t n) = 0;
};

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_BYTE_SINK_H_
