#include "cli_common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <limits>
#include <typeinfo>

#include "file_util.h"

namespace wembed::cli {
namespace {

// Appended to the --help of commands that write files.
constexpr char kOutputsHelp[] =
    "Output files: a regular file is replaced atomically (temp file + "
    "rename;\na symlink's target is replaced, the link kept); a device, a "
    "FIFO or\n/dev/stdout is written in place. '-' is not an output name: "
    "to write to\nstandard output, use /dev/stdout.";

// Hidden option collecting positional tokens the command does not take.
constexpr char kExtraArguments[] = "wembed-unexpected-argument";

}  // namespace

std::optional<int> ParseCommandLine(
    int argc, char** argv, const std::string& usage,
    const std::string& description, po::options_description& options,
    const po::positional_options_description* positional,
    po::variables_map* vm) {
  options.add_options()("help,h", "show this help and exit");
  const std::string command = argc > 0 ? argv[0] : "wembed";
  try {
    // Positional tokens beyond what the command takes land in a hidden
    // option, so that the message can name them.
    po::options_description all;
    all.add(options);
    all.add_options()(kExtraArguments,
                      po::value<std::vector<std::string>>()->multitoken());
    po::positional_options_description pos;
    if (positional != nullptr) pos = *positional;
    if (pos.max_total_count() != std::numeric_limits<unsigned>::max()) {
      pos.add(kExtraArguments, -1);
    }
    po::command_line_parser parser(argc, argv);  // skips argv[0]
    parser.options(all).positional(pos);
    const po::parsed_options parsed = parser.run();
    po::store(parsed, *vm);
    if (vm->count("help")) {
      std::cout << "usage: " << usage << "\n\n"
                << description << "\n\n"
                << options;
      if (options.find_nothrow("output", false) != nullptr ||
          options.find_nothrow("output-corpus", false) != nullptr) {
        std::cout << "\n" << kOutputsHelp << "\n";
      }
      std::cout << std::flush;
      return kExitOk;
    }
    for (const po::option& opt : parsed.options) {
      if (opt.string_key.empty() || opt.string_key == kExtraArguments) {
        // A positional token nobody takes.
        const std::string token = !opt.value.empty() ? opt.value[0]
                                  : !opt.original_tokens.empty()
                                      ? opt.original_tokens[0]
                                      : "";
        std::cerr << "wembed " << command << ": usage error: unexpected "
                  << "argument '" << token << "' (see 'wembed " << command
                  << " --help')\n";
        return kExitUsage;
      }
      for (const std::string& value : opt.value) {
        if (value.empty()) {
          std::cerr << "wembed " << command << ": usage error: --"
                    << opt.string_key << ": empty value\n";
          return kExitUsage;
        }
      }
      // Unsigned options would silently wrap "-1" to 2^64 - 1.
      const std::type_info& type = (*vm)[opt.string_key].value().type();
      if (type == typeid(uint64_t) || type == typeid(uint32_t) ||
          type == typeid(size_t)) {
        for (const std::string& value : opt.value) {
          if (value[0] == '-') {
            std::cerr << "wembed " << command << ": error: --" << opt.string_key
                      << ": expected a non-negative integer, got '" << value
                      << "'\n";
            return kExitError;
          }
        }
      }
    }
    po::notify(*vm);
  } catch (const po::validation_error& e) {
    // A value that does not parse (e.g. --dim abc): a bad value, not a
    // malformed command line.
    std::cerr << "wembed " << command << ": error: " << e.what()
              << " (see 'wembed " << command << " --help')\n";
    return kExitError;
  } catch (const po::error& e) {
    std::cerr << "wembed " << command << ": usage error: " << e.what()
              << " (see 'wembed " << command << " --help')\n";
    return kExitUsage;
  }
  return std::nullopt;
}

int ReportError(const std::string& command, const Status& status) {
  std::cerr << "wembed " << command << ": error: " << status.message() << "\n";
  return kExitError;
}

void AddTokenizerOptions(po::options_description& desc,
                         TokenizerOptions* options) {
  desc.add_options()("lowercase", po::bool_switch(&options->lowercase),
                     "lowercase tokens (Unicode-aware); off by default")(
      "strip-punct", po::bool_switch(&options->strip_punct),
      "treat Unicode punctuation as a separator; off by default")(
      "max-token-bytes",
      po::value<size_t>(&options->max_token_bytes)->default_value(100),
      "cut longer tokens at a UTF-8 character boundary");
}

StatusOr<VectorFormat> ParseFormatOption(const std::string& value) {
  if (value == "bin") return VectorFormat::kBinary;
  if (value == "txt") return VectorFormat::kText;
  return Status::InvalidArgument("--format must be bin or txt, not '" + value +
                                 "'");
}

StatusOr<OutputVectors> ParseOutputVectorsOption(const std::string& value) {
  if (value == "input") return OutputVectors::kInput;
  if (value == "output") return OutputVectors::kOutput;
  if (value == "sum") return OutputVectors::kSum;
  return Status::InvalidArgument(
      "--output-vectors must be input, output or sum, not '" + value + "'");
}

namespace {

// What CheckOutputPaths compares: the inode of an existing file, else the
// normalised absolute path where it would be created.
struct FileIdentity {
  bool exists = false;
  bool regular = false;  // existing regular file (devices etc. may be shared)
  dev_t dev = 0;
  ino_t ino = 0;
  std::string path;
};

FileIdentity Identify(const std::string& path) {
  FileIdentity id;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    id.exists = true;
    id.regular = S_ISREG(st.st_mode);
    id.dev = st.st_dev;
    id.ino = st.st_ino;
  }
  std::string target = path;
  StatusOr<OutputTarget> t = ResolveOutputTarget(path);
  if (t.ok() && t->kind != OutputTarget::Kind::kFd) target = t->path;
  std::error_code ec;
  id.path = std::filesystem::weakly_canonical(target, ec).string();
  if (ec) {
    id.path = std::filesystem::absolute(target, ec).lexically_normal().string();
  }
  return id;
}

bool SameFile(const FileIdentity& a, const FileIdentity& b) {
  if (a.exists && b.exists) {
    return a.regular && b.regular && a.dev == b.dev && a.ino == b.ino;
  }
  return !a.exists && !b.exists && a.path == b.path;
}

}  // namespace

Status CheckOutputPaths(const PathOptions& inputs, const PathOptions& outputs) {
  auto usable = [](const std::string& p) { return !p.empty() && p != "-"; };
  std::vector<FileIdentity> in_ids, out_ids;
  for (const auto& in : inputs) in_ids.push_back(Identify(in.second));
  for (const auto& out : outputs) out_ids.push_back(Identify(out.second));
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& [out_option, out_path] = outputs[i];
    if (!usable(out_path)) continue;
    for (size_t k = 0; k < inputs.size(); ++k) {
      const auto& [in_option, in_path] = inputs[k];
      if (usable(in_path) && SameFile(in_ids[k], out_ids[i])) {
        return Status::InvalidArgument(
            out_option + " " + out_path + " is the same file as " + in_option +
            " " + in_path + "; it would be overwritten");
      }
    }
    for (size_t j = 0; j < i; ++j) {
      if (usable(outputs[j].second) && SameFile(out_ids[j], out_ids[i])) {
        return Status::InvalidArgument(
            out_option + " and " + outputs[j].first + " are the same file (" +
            out_path +
            (out_path == outputs[j].second ? "" : ", " + outputs[j].second) +
            ")");
      }
    }
  }
  return Status::Ok();
}

Status CheckWritable(const std::string& option, const std::string& path) {
  if (path.empty()) return Status::Ok();
  if (path == "-") {
    return Status::InvalidArgument(
        option +
        " -: '-' is not an output name; to write to standard output, use " +
        option + " /dev/stdout");
  }
  StatusOr<OutputTarget> target = ResolveOutputTarget(path);
  if (!target.ok()) {
    return Status(target.status().code(),
                  option + " " + target.status().message());
  }
  const OutputTarget& t = *target;
  switch (t.kind) {
    case OutputTarget::Kind::kFd: {
      const int flags = ::fcntl(t.fd, F_GETFL);
      if (flags < 0) {
        return Status::IoError(option + " " + path + ": descriptor " +
                               std::to_string(t.fd) + " is not open");
      }
      if ((flags & O_ACCMODE) == O_RDONLY) {
        return Status::IoError(option + " " + path + ": descriptor " +
                               std::to_string(t.fd) +
                               " is not open for writing");
      }
      return Status::Ok();
    }
    case OutputTarget::Kind::kStream:
      if (::access(t.path.c_str(), W_OK) != 0) {
        return Status::IoError(option + " " + path +
                               ": cannot write: " + ErrnoMessage(errno));
      }
      return Status::Ok();
    case OutputTarget::Kind::kNew:
    case OutputTarget::Kind::kRegular:
      break;
  }
  // A temp file is created next to the target, then renamed over it.
  const std::string dir = DirName(t.path);
  std::error_code ec;
  const std::string shown = std::filesystem::absolute(t.path, ec)
                                .lexically_normal()
                                .parent_path()
                                .string();
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::IoError(option + " " + path + ": directory " + shown +
                           " does not exist");
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    return Status::IoError(option + " " + path + ": directory " + shown +
                           " is not writable");
  }
  return Status::Ok();
}

std::string CountOf(uint64_t count, const std::string& noun,
                    const std::string& plural) {
  return std::to_string(count) + " " +
         (count == 1       ? noun
          : plural.empty() ? noun + "s"
                           : plural);
}

}  // namespace wembed::cli
