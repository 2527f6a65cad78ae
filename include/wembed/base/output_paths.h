// Checks on output paths made before any long work starts, so that a run
// never trains for hours and then finds it cannot write its result, and an
// output never overwrites an input.
#ifndef WEMBED_BASE_OUTPUT_PATHS_H_
#define WEMBED_BASE_OUTPUT_PATHS_H_

#include <string>
#include <utility>
#include <vector>

#include "wembed/base/status.h"

namespace wembed {

// (option, path) pairs, e.g. {"--output", "v.bin"}.
using PathOptions = std::vector<std::pair<std::string, std::string>>;

// Refuses (InvalidArgument naming both options) an output that is the same
// file as an input or as another output: the same inode when both exist
// (hard links too), else the same normalised absolute path, symlinks of
// outputs followed (a dangling link names the file it would create).
// Devices, FIFOs and sockets (/dev/null, a terminal, a pipe) may be shared.
// Empty paths and "-" are ignored.
Status CheckOutputPaths(const PathOptions& inputs, const PathOptions& outputs);

// Fails early (before a long scan or hours of training) if output `path`,
// given as `option`, cannot be written: "-" (not an output name; use
// /dev/stdout), a directory, a symlink loop, a missing or unwritable
// directory for a new or replaced file, a device or FIFO without write
// permission, a closed descriptor (/dev/fd/N). The message names the option
// and the path. Empty `path` (option not given) is OK. The write itself
// still reports its own errors.
Status CheckWritable(const std::string& option, const std::string& path);

}  // namespace wembed

#endif  // WEMBED_BASE_OUTPUT_PATHS_H_
