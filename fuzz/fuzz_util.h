// Helpers shared by the libFuzzer targets: the library's readers take a
// path, so each input is written to one file in a per-process temporary
// directory (rewritten in place for every input: one open + write + close);
// a failed invariant aborts so that libFuzzer reports it as a crash; and
// the invariants that several targets check.
#ifndef WEMBED_FUZZ_FUZZ_UTIL_H_
#define WEMBED_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "wembed/base/status.h"
#include "wembed/vectors/embeddings.h"

namespace wembed_fuzz {

// Writes `data` to this process's input file (named `name` inside the
// process's temporary directory, created on first use and removed at exit)
// and returns its path. Aborts if the file cannot be written.
std::string WriteInput(const uint8_t* data, size_t size,
                       const char* name = "input");

// Prints "invariant failed: <what>" and aborts when `ok` is false.
void Check(bool ok, const char* what);

// True if `result` is an error, which must have a message (a target then
// returns: a rejected input is fine).
template <typename T>
bool Failed(const wembed::StatusOr<T>& result) {
  if (result.ok()) return false;
  Check(!result.status().message().empty(), "error without a message");
  return true;
}

// A word as the readers keep it: non-empty, without whitespace.
void CheckWord(const std::string& word);

// Items read from consecutive lines: `line` is above the previous one
// (`*last`, 0 at first), which it becomes.
void CheckLineIncreases(size_t line, size_t* last);

// What LoadEmbeddings promises: a word per row, rows kept + duplicates
// dropped = header rows, words non-empty and unique, values finite.
void CheckEmbeddings(const wembed::Embeddings& e,
                     const wembed::EmbeddingsLoadInfo& info);

}  // namespace wembed_fuzz

#endif  // WEMBED_FUZZ_FUZZ_UTIL_H_
