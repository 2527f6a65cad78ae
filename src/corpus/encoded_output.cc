#include "corpus/encoded_output.h"

#include <cinttypes>
#include <cstdio>
#include <utility>
#include <vector>

#include "base/atomic_file_writer.h"
#include "base/random_access_file.h"
#include "base/scratch_file.h"
#include "corpus/corpus_file_writer.h"
#include "corpus/encoded_corpus_file.h"

namespace wembed {
namespace {

class MemoryOutput final : public EncodedOutput {
 public:
  Status Begin(const Vocabulary&, uint64_t size_hint) override {
    // reserve() does not touch the pages: they become resident only as
    // they are written.
    bytes_.reserve(size_t(size_hint));
    return Status::Ok();
  }
  Status Append(const uint8_t* p, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      sentences_ += p[i] == 0;
      tokens_ += (p[i] != 0) & (p[i] < 0x80);  // last byte of a varint
    }
    bytes_.insert(bytes_.end(), p, p + n);
    return Status::Ok();
  }
  StatusOr<EncodedCorpus> Finish(std::string*) override {
    return EncodedCorpus(std::move(bytes_), tokens_, sentences_);
  }
  uint64_t bytes() const override { return bytes_.size(); }

 private:
  std::vector<uint8_t> bytes_;
  uint64_t tokens_ = 0, sentences_ = 0;
};

// A .wenc file: `Sink` is an AtomicFileWriter (a named output) or a
// ScratchFile (the cache).
class FileOutput final : public EncodedOutput {
 public:
  FileOutput(const ScanRequest& request, const Env& env,
             std::unique_ptr<AtomicFileWriter> named,
             std::unique_ptr<ScratchFile> scratch)
      : request_(request),
        env_(env),
        named_(std::move(named)),
        scratch_(std::move(scratch)),
        writer_(named_ ? static_cast<ByteSink&>(*named_)
                       : static_cast<ByteSink&>(*scratch_)) {}

  Status Begin(const Vocabulary& vocab, uint64_t) override {
    return Explain(writer_.Begin(request_.file_options, vocab));
  }
  Status Append(const uint8_t* p, size_t n) override {
    return Explain(writer_.AppendData(p, n));
  }
  StatusOr<EncodedCorpus> Finish(std::string* kept_path) override {
    WEMBED_RETURN_IF_ERROR(Explain(writer_.Finish()));
    StatusOr<std::unique_ptr<RandomAccessFile>> reader = OpenReader();
    if (!reader.ok()) return reader.status();
    if (scratch_ && request_.keep) {
      *kept_path = KeptPath();
      WEMBED_RETURN_IF_ERROR(scratch_->Keep(*kept_path));
    }
    auto data = std::make_shared<EncodedCorpus::FileData>();
    data->file = std::move(reader).value();
    data->first_section_offset = writer_.first_data_offset();
    const CorpusFileSummary& s = writer_.summary();
    data->chunk_bytes = s.chunk_bytes;
    return EncodedCorpus(std::move(data), s.data_bytes, s.num_tokens,
                         s.num_sentences, s.fingerprint, s.max_sentence_bytes);
  }
  uint64_t bytes() const override { return writer_.summary().data_bytes; }

 private:
  StatusOr<std::unique_ptr<RandomAccessFile>> OpenReader() {
    if (scratch_) return scratch_->Reader();
    WEMBED_RETURN_IF_ERROR(named_->Commit());
    return RandomAccessFile::Open(request_.output_path, env_);
  }

  std::string KeptPath() const {
    char name[40];
    std::snprintf(name, sizeof(name), "/wembed-%016" PRIx64 ".wenc",
                  writer_.summary().fingerprint);
    return scratch_->dir() + name;
  }

  // A write error of the cache says what was being written and how to
  // avoid a full directory.
  Status Explain(Status s) const {
    if (s.ok() || !scratch_) return s;
    return Status(s.code(), "caching the encoded corpus: " + s.message() +
                                " (choose another directory with "
                                "--cache-dir)");
  }

  const ScanRequest& request_;
  const Env& env_;
  std::unique_ptr<AtomicFileWriter> named_;
  std::unique_ptr<ScratchFile> scratch_;
  CorpusFileWriter writer_;
};

}  // namespace

StatusOr<std::unique_ptr<EncodedOutput>> EncodedOutput::Create(
    const ScanRequest& request, const Env& env) {
  switch (request.storage) {
    case EncodedStorage::kMemory:
      return std::unique_ptr<EncodedOutput>(new MemoryOutput());
    case EncodedStorage::kFile: {
      auto named = std::make_unique<AtomicFileWriter>(request.output_path, env);
      WEMBED_RETURN_IF_ERROR(named->Open());
      return std::unique_ptr<EncodedOutput>(
          new FileOutput(request, env, std::move(named), nullptr));
    }
    case EncodedStorage::kScratch: {
      StatusOr<std::unique_ptr<ScratchFile>> scratch =
          ScratchFile::Create(request.scratch_dir, env, request.keep);
      if (!scratch.ok()) {
        return Status(
            scratch.status().code(),
            "caching the encoded corpus: " + scratch.status().message() +
                " (choose another directory with --cache-dir)");
      }
      return std::unique_ptr<EncodedOutput>(
          new FileOutput(request, env, nullptr, std::move(scratch).value()));
    }
  }
  return Status::Internal("unknown encoded storage");
}

}  // namespace wembed
