#include "cli_common.h"

#include <filesystem>
#include <iostream>
#include <typeinfo>

namespace wembed::cli {

std::optional<int> ParseCommandLine(
    int argc, char** argv, const std::string& usage,
    const std::string& description, po::options_description& options,
    const po::positional_options_description* positional,
    po::variables_map* vm) {
  options.add_options()("help,h", "show this help and exit");
  const std::string command = argc > 0 ? argv[0] : "wembed";
  try {
    po::command_line_parser parser(argc, argv);  // skips argv[0]
    parser.options(options);
    if (positional != nullptr) parser.positional(*positional);
    const po::parsed_options parsed = parser.run();
    po::store(parsed, *vm);
    if (vm->count("help")) {
      std::cout << "usage: " << usage << "\n\n"
                << description << "\n\n"
                << options << std::flush;
      return kExitOk;
    }
    for (const po::option& opt : parsed.options) {
      if (opt.string_key.empty()) {  // a positional token nobody takes
        const std::string token =
            opt.original_tokens.empty() ? "" : opt.original_tokens[0];
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

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (std::filesystem::exists(a, ec) && std::filesystem::exists(b, ec)) {
    return std::filesystem::equivalent(a, b, ec);
  }
  return std::filesystem::weakly_canonical(a, ec) ==
         std::filesystem::weakly_canonical(b, ec);
}

}  // namespace

Status CheckOutputPaths(const PathOptions& inputs, const PathOptions& outputs) {
  auto usable = [](const std::string& p) { return !p.empty() && p != "-"; };
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& [out_option, out_path] = outputs[i];
    if (!usable(out_path)) continue;
    for (const auto& [in_option, in_path] : inputs) {
      if (usable(in_path) && SameFile(in_path, out_path)) {
        return Status::InvalidArgument(
            out_option + " " + out_path + " is the same file as " + in_option +
            " " + in_path + "; it would be overwritten");
      }
    }
    for (size_t j = 0; j < i; ++j) {
      if (usable(outputs[j].second) && SameFile(outputs[j].second, out_path)) {
        return Status::InvalidArgument(out_option + " and " + outputs[j].first +
                                       " are the same file (" + out_path + ")");
      }
    }
  }
  return Status::Ok();
}

}  // namespace wembed::cli
