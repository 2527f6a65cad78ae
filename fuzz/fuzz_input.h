// Helpers shared by the libFuzzer targets: the library's readers take a
// path, so each input is written to one file in a per-process temporary
// directory (rewritten in place for every input: one open + write + close),
// and a failed invariant aborts so that libFuzzer reports it as a crash.
#ifndef WEMBED_FUZZ_FUZZ_INPUT_H_
#define WEMBED_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace wembed_fuzz {

// Writes `data` to this process's input file (named `name` inside the
// process's temporary directory, created on first use and removed at exit)
// and returns its path. Aborts if the file cannot be written.
std::string WriteInput(const uint8_t* data, size_t size,
                       const char* name = "input");

// Prints "invariant failed: <what>" and aborts when `ok` is false.
void Check(bool ok, const char* what);

}  // namespace wembed_fuzz

#endif  // WEMBED_FUZZ_FUZZ_INPUT_H_
