#include "wembed/train_options.h"

#include <charconv>
#include <cmath>
#include <sstream>
#include <thread>

namespace wembed {
namespace {

template <typename T>
bool ParseNumber(const std::string& s, T* out) {
  if constexpr (std::is_floating_point_v<T>) {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || errno != 0) return false;
    *out = T(v);
    return true;
  } else {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && ptr == s.data() + s.size();
  }
}

std::string DoubleToString(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, ptr);
}

}  // namespace

const char* UpdateRuleName(UpdateRule rule) {
  return rule == UpdateRule::kExact ? "exact" : "batch";
}

const char* OutputVectorsName(OutputVectors which) {
  switch (which) {
    case OutputVectors::kInput:
      return "input";
    case OutputVectors::kOutput:
      return "output";
    case OutputVectors::kSum:
      return "sum";
  }
  return "input";
}

Status TrainOptions::Validate() const {
  auto bad = [](const std::string& m) { return Status::InvalidArgument(m); };
  if (dim < 1 || dim > 10000) return bad("--dim must be in 1..10000");
  if (window < 1 || window > 1000) return bad("--window must be in 1..1000");
  if (negative < 0 || negative > 1000) {
    return bad("--negative must be in 0..1000");
  }
  if (!(sample >= 0 && sample < 1)) {
    return bad("--sample must be in [0, 1) (0 disables subsampling)");
  }
  if (epochs < 1 || epochs > 100000) return bad("--epochs must be >= 1");
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  const int max_threads = std::max(64, 4 * cores);
  if (threads < 0 || threads > max_threads) {
    return bad("--threads must be in 1.." + std::to_string(max_threads) +
               " (this machine has " + std::to_string(cores) +
               " cores; 0 means all of them)");
  }
  if (!(alpha > 0 && alpha <= 10)) return bad("--alpha must be in (0, 10]");
  if (!(min_alpha_ratio > 0 && min_alpha_ratio <= 1)) {
    return bad("--min-alpha-ratio must be in (0, 1]");
  }
  if (!(noise_exponent >= 0 && noise_exponent <= 2)) {
    return bad("--noise-exponent must be in [0, 2]");
  }
  if (vocab.min_count < 1) return bad("--min-count must be >= 1");
  if (tokenizer.max_token_bytes < 4) {
    return bad("--max-token-bytes must be >= 4");
  }
  if (max_sentence_length < 1) {
    return bad("--max-sentence-length must be >= 1");
  }
  if (kernels != "auto" && kernels != "avx512" && kernels != "avx2" &&
      kernels != "scalar") {
    return bad("--kernels must be auto, avx512, avx2 or scalar, not '" +
               kernels + "'");
  }
  if (inputs.empty()) return bad("no --input given");
  return Status::Ok();
}

std::vector<std::pair<std::string, std::string>> TrainOptions::ToKeyValues()
    const {
  std::vector<std::pair<std::string, std::string>> kv;
  for (size_t i = 0; i < inputs.size(); ++i) {
    kv.emplace_back("input." + std::to_string(i), inputs[i]);
  }
  kv.emplace_back("lowercase", tokenizer.lowercase ? "1" : "0");
  kv.emplace_back("strip-punct", tokenizer.strip_punct ? "1" : "0");
  kv.emplace_back("max-token-bytes", std::to_string(tokenizer.max_token_bytes));
  kv.emplace_back("min-count", std::to_string(vocab.min_count));
  kv.emplace_back("max-vocab", std::to_string(vocab.max_vocab));
  kv.emplace_back("dim", std::to_string(dim));
  kv.emplace_back("window", std::to_string(window));
  kv.emplace_back("negative", std::to_string(negative));
  kv.emplace_back("sample", DoubleToString(sample));
  kv.emplace_back("epochs", std::to_string(epochs));
  kv.emplace_back("threads", std::to_string(threads));
  kv.emplace_back("alpha", DoubleToString(alpha));
  kv.emplace_back("min-alpha-ratio", DoubleToString(min_alpha_ratio));
  kv.emplace_back("noise-exponent", DoubleToString(noise_exponent));
  kv.emplace_back("seed", std::to_string(seed));
  kv.emplace_back("update", UpdateRuleName(update));
  kv.emplace_back("max-sentence-length", std::to_string(max_sentence_length));
  kv.emplace_back("kernels", kernels);
  return kv;
}

StatusOr<TrainOptions> TrainOptions::FromKeyValues(
    const std::vector<std::pair<std::string, std::string>>& kv) {
  TrainOptions o;
  for (const auto& [key, value] : kv) {
    bool ok = true;
    if (key.rfind("input.", 0) == 0) {  // "input.<i>", in order
      o.inputs.push_back(value);
    } else if (key == "lowercase") {
      o.tokenizer.lowercase = value == "1";
    } else if (key == "strip-punct") {
      o.tokenizer.strip_punct = value == "1";
    } else if (key == "max-token-bytes") {
      ok = ParseNumber(value, &o.tokenizer.max_token_bytes);
    } else if (key == "min-count") {
      ok = ParseNumber(value, &o.vocab.min_count);
    } else if (key == "max-vocab") {
      ok = ParseNumber(value, &o.vocab.max_vocab);
    } else if (key == "dim") {
      ok = ParseNumber(value, &o.dim);
    } else if (key == "window") {
      ok = ParseNumber(value, &o.window);
    } else if (key == "negative") {
      ok = ParseNumber(value, &o.negative);
    } else if (key == "sample") {
      ok = ParseNumber(value, &o.sample);
    } else if (key == "epochs") {
      ok = ParseNumber(value, &o.epochs);
    } else if (key == "threads") {
      ok = ParseNumber(value, &o.threads);
    } else if (key == "alpha") {
      ok = ParseNumber(value, &o.alpha);
    } else if (key == "min-alpha-ratio") {
      ok = ParseNumber(value, &o.min_alpha_ratio);
    } else if (key == "noise-exponent") {
      ok = ParseNumber(value, &o.noise_exponent);
    } else if (key == "seed") {
      ok = ParseNumber(value, &o.seed);
    } else if (key == "update") {
      if (value == "exact") {
        o.update = UpdateRule::kExact;
      } else if (value == "batch") {
        o.update = UpdateRule::kBatch;
      } else {
        ok = false;
      }
    } else if (key == "kernels") {
      o.kernels = value;
    } else if (key == "max-sentence-length") {
      ok = ParseNumber(value, &o.max_sentence_length);
    } else {
      return Status::Corruption("unknown training option '" + key + "'");
    }
    if (!ok) {
      return Status::Corruption("bad value '" + value + "' for option '" + key +
                                "'");
    }
  }
  return o;
}

}  // namespace wembed
