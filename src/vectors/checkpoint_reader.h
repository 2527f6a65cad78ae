// Reading a checkpoint from an input the caller has already opened (the
// vector loader sniffs the first bytes of any file and hands checkpoints
// over here).
#ifndef WEMBED_SRC_VECTORS_CHECKPOINT_READER_H_
#define WEMBED_SRC_VECTORS_CHECKPOINT_READER_H_

#include <cstddef>
#include <string_view>

#include "base/buffered_reader.h"
#include "wembed/base/status.h"
#include "wembed/vectors/checkpoint.h"

namespace wembed {

// Bytes of the checkpoint magic ("WEMBEDCK").
inline constexpr size_t kCheckpointMagicBytes = 8;

// True if `bytes` starts with the checkpoint magic.
bool StartsWithCheckpointMagic(std::string_view bytes);

// Reads and validates the checkpoint `in` holds. `in` must be at offset 0 of
// a regular, uncompressed file (the size bounds every allocation);
// otherwise an error names the file.
StatusOr<Checkpoint> ReadCheckpointFrom(BufferedReader& in);

}  // namespace wembed

#endif  // WEMBED_SRC_VECTORS_CHECKPOINT_READER_H_
