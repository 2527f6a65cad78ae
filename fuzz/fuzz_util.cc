#include "fuzz_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
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

void CheckWord(const std::string& word) {
  Check(!word.empty(), "empty word");
  Check(word.find_first_of(" \t\n\r\v\f") == std::string::npos,
        "word with whitespace");
}

void CheckLineIncreases(size_t line, size_t* last) {
  Check(line > *last, "line numbers increase");
  *last = line;
}

void CheckEmbeddings(const wembed::Embeddings& e,
                     const wembed::EmbeddingsLoadInfo& info) {
  Check(e.words.size() == e.vectors.rows(), "one word per row");
  Check(e.words.size() + info.duplicates_dropped == info.header_rows,
        "rows kept + duplicates dropped == header rows");
  std::set<std::string> seen;
  for (size_t r = 0; r < e.vectors.rows(); ++r) {
    Check(!e.words[r].empty(), "empty word");
    Check(seen.insert(e.words[r]).second, "duplicate word kept");
    const float* row = e.vectors.row(r);
    for (size_t c = 0; c < e.vectors.cols(); ++c) {
      Check(std::isfinite(row[c]), "non-finite value accepted");
    }
  }
}

}  // namespace wembed_fuzz
