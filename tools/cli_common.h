// Shared plumbing for the wembed subcommands: option parsing with uniform
// --help and usage errors, and the mapping from Status to exit codes.
#ifndef WEMBED_TOOLS_CLI_COMMON_H_
#define WEMBED_TOOLS_CLI_COMMON_H_

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wembed/embeddings.h"
#include "wembed/status.h"
#include "wembed/tokenizer.h"
#include "wembed/train_options.h"

namespace wembed::cli {

namespace po = boost::program_options;

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // bad input, I/O error, bad value
inline constexpr int kExitUsage = 2;  // unknown option, missing argument

// Parses argv[1..] (argv[0] is the subcommand name) against `options` and the
// optional positional spec. `--help`/`-h` prints "usage: <usage>" and the
// options with their defaults to stdout. Returns an exit code if the command
// should stop now (0 after --help; kExitError for a value that does not
// parse, e.g. --dim abc; kExitUsage for an unknown option, a missing
// required one or a malformed command line; one line on stderr), or nullopt
// to go on.
std::optional<int> ParseCommandLine(
    int argc, char** argv, const std::string& usage,
    const std::string& description, po::options_description& options,
    const po::positional_options_description* positional,
    po::variables_map* vm);

// Prints "wembed <command>: error: <message>" to stderr; returns kExitError
// (or kExitUsage for StatusCode::kInvalidArgument when `usage_error`).
int ReportError(const std::string& command, const Status& status);

// Adds --lowercase, --strip-punct and --max-token-bytes bound to `options`.
void AddTokenizerOptions(po::options_description& desc,
                         TokenizerOptions* options);

// The value of --format: "bin" (word2vec binary) or "txt" (word2vec text);
// InvalidArgument naming the option otherwise.
StatusOr<VectorFormat> ParseFormatOption(const std::string& value);

// The value of --output-vectors: "input", "output" or "sum";
// InvalidArgument naming the option otherwise.
StatusOr<OutputVectors> ParseOutputVectorsOption(const std::string& value);

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

// "1 word", "2 words": `count` and `noun`, with `plural` (default noun + "s")
// unless count is 1.
std::string CountOf(uint64_t count, const std::string& noun,
                    const std::string& plural = "");

}  // namespace wembed::cli

#endif  // WEMBED_TOOLS_CLI_COMMON_H_
