#include "fuzz_input.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace wembed_fuzz {
namespace {

void RemoveDir();

const std::string& Dir() {
  static const std::string* dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") +
                       "/wembed-fuzz-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("wembed fuzz: mkdtemp");
      std::abort();
    }
    auto* d = new std::string(tmpl);
    std::atexit(RemoveDir);
    return d;
  }();
  return *dir;
}

void RemoveDir() {
  std::error_code ec;
  std::filesystem::remove_all(Dir(), ec);
}

}  // namespace

std::string WriteInput(const uint8_t* data, size_t size, const char* name) {
  std::string path = Dir() + "/" + name;
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror("wembed fuzz: open");
    std::abort();
  }
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(fd, data + done, size - done);
    if (n <= 0) {
      std::perror("wembed fuzz: write");
      std::abort();
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return path;
}

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant failed: %s\n", what);
  std::abort();
}

}  // namespace wembed_fuzz
