// Every reader of the library goes through the one I/O layer: each reads
// plain and gzip inputs alike, and a fault injected at any read (EIO) is one
// clear error naming the file, while a short read at any point changes
// nothing.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <random>
#include <string>

#include "test_util.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/corpus/vocabulary.h"
#include "wembed/eval/analogy_evaluator.h"
#include "wembed/eval/similarity_evaluator.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"

namespace wembed {
namespace {

using testing::FailOneOp;
using testing::Gzip;
using testing::TempDir;
using testing::WriteFile;

// Reads `path` with `env`; returns a digest of what was read, or the error.
using Reader = std::function<StatusOr<std::string>(const std::string& path,
                                                   const Env& env)>;

std::string Digest(const Embeddings& e) {
  std::string d;
  for (size_t r = 0; r < e.words.size(); ++r) {
    d += e.words[r] + ":";
    for (size_t c = 0; c < e.vectors.cols(); ++c) {
      d += std::to_string(e.vectors.row(r)[c]) + ",";
    }
  }
  return d;
}

struct Case {
  std::string name;
  std::string contents;  // plain bytes of the input
  Reader read;
};

std::vector<Case> Cases(const TempDir& dir) {
  std::mt19937 rng(1);
  std::string vocab, questions = ": s\n", pairs, corpus;
  for (int i = 0; i < 30000; ++i) {
    vocab += "w" + std::to_string(i) + " " + std::to_string(40000 - i) + "\n";
    if (i % 4 == 0) {
      questions += "a" + std::to_string(i) + " b c d\n";
      pairs += "x" + std::to_string(i) + "\ty\t" + std::to_string(i % 10) +
               "\n";
    }
    corpus += "w" + std::to_string(rng() % 500) + (i % 13 ? " " : "\n");
  }
  Embeddings e = testing::RandomEmbeddings(3000, 20, &rng);
  EXPECT_TRUE(WriteWord2Vec(dir.File("v.txt"), e.words, e.vectors,
                            VectorFormat::kText)
                  .ok());
  EXPECT_TRUE(WriteWord2Vec(dir.File("v.bin"), e.words, e.vectors,
                            VectorFormat::kBinary)
                  .ok());
  auto load = [](const std::string& p, const Env& env) -> StatusOr<std::string> {
    StatusOr<Embeddings> e = LoadEmbeddings(p, 0, nullptr, env);
    if (!e.ok()) return e.status();
    return Digest(*e);
  };
  return {
      {"vocabulary", vocab,
       [](const std::string& p, const Env& env) -> StatusOr<std::string> {
         StatusOr<Vocabulary> v = Vocabulary::Load(p, env);
         if (!v.ok()) return v.status();
         return v->words().back() + std::to_string(v->total_count());
       }},
      {"questions", questions,
       [](const std::string& p, const Env& env) -> StatusOr<std::string> {
         StatusOr<AnalogyQuestionSet> q = ReadAnalogyQuestions(p, env);
         if (!q.ok()) return q.status();
         return std::to_string(q->num_questions()) +
                q->sections[0].questions.back().a;
       }},
      {"pairs", pairs,
       [](const std::string& p, const Env& env) -> StatusOr<std::string> {
         StatusOr<std::vector<WordPair>> w = ReadWordPairs(p, nullptr, env);
         if (!w.ok()) return w.status();
         return std::to_string(w->size()) + w->back().a;
       }},
      {"corpus", corpus,
       [](const std::string& p, const Env& env) -> StatusOr<std::string> {
         ScanRequest request;
         request.inputs = {p};
         request.vocab.min_count = 1;
         request.encode = true;
         request.env = &env;
         StatusOr<ScanResult> s = ScanCorpus(request);
         if (!s.ok()) return s.status();
         return std::to_string(s->corpus.Fingerprint()) +
                std::to_string(s->vocab.size());
       }},
      {"text vectors", testing::ReadFile(dir.File("v.txt")), load},
      {"binary vectors", testing::ReadFile(dir.File("v.bin")), load},
  };
}

// Counts the reads of an unfaulted run, then fails (and short-reads) each.
void SweepReads(const Case& c, const std::string& path) {
  SCOPED_TRACE(c.name + " " + path);
  FailOneOp counter(FileOp::kRead, -1, 0);
  StatusOr<std::string> clean = c.read(path, Env(&counter));
  ASSERT_TRUE(clean.ok()) << clean.status().message();
  ASSERT_GE(counter.count(), 2);
  for (int n = 0; n < counter.count(); ++n) {
    FailOneOp eio(FileOp::kRead, n, EIO);
    StatusOr<std::string> got = c.read(path, Env(&eio));
    ASSERT_FALSE(got.ok()) << "read #" << n;
    EXPECT_EQ(got.status().code(), StatusCode::kIoError);
    EXPECT_NE(got.status().message().find(path + ": read failed"),
              std::string::npos)
        << got.status().message();
    FailOneOp short_read(FileOp::kRead, n, 0, /*short_first=*/true);
    got = c.read(path, Env(&short_read));
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ(*got, *clean) << "short read #" << n;
  }
  FailOneOp open_fault(FileOp::kOpen, 0, EMFILE);
  StatusOr<std::string> got = c.read(path, Env(&open_fault));
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find(path + ": cannot open"),
            std::string::npos)
      << got.status().message();
}

TEST(ReadersTest, PlainAndGzipReadAlikeAndEveryReadFaultIsAnError) {
  TempDir dir;
  for (const Case& c : Cases(dir)) {
    const std::string plain = dir.File(c.name + ".txt");
    const std::string gz = dir.File(c.name + ".txt.gz");
    WriteFile(plain, c.contents);
    WriteFile(gz, Gzip(c.contents));
    StatusOr<std::string> a = c.read(plain, Env::Default());
    StatusOr<std::string> b = c.read(gz, Env::Default());
    ASSERT_TRUE(a.ok() && b.ok()) << c.name;
    EXPECT_EQ(*a, *b) << c.name;
    SweepReads(c, plain);
    SweepReads(c, gz);
  }
}

TEST(ReadersTest, CheckpointsAreReadUncompressedAndFaultsAreErrors) {
  TempDir dir;
  std::mt19937 rng(2);
  Embeddings e = testing::RandomEmbeddings(2000, 30, &rng);
  Checkpoint c;
  std::vector<uint64_t> counts(e.words.size(), 1);
  c.vocab = Vocabulary::FromWordsAndCounts(e.words, counts).value();
  c.input = e.vectors;
  c.output = Matrix(e.vectors.rows(), e.vectors.cols());  // zero: mix = W_E
  const std::string path = dir.File("ck.wemb");
  ASSERT_TRUE(WriteCheckpoint(path, c).ok());
  FailOneOp counter(FileOp::kRead, -1, 0);
  ASSERT_TRUE(ReadCheckpoint(path, Env(&counter)).ok());
  for (int n = 0; n < counter.count(); ++n) {
    FailOneOp eio(FileOp::kRead, n, EIO);
    StatusOr<Checkpoint> got = ReadCheckpoint(path, Env(&eio));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().message(),
              path + ": read failed: " + std::strerror(EIO));
  }
  // As vectors: the same rows as the file's input matrix.
  StatusOr<Embeddings> loaded = LoadEmbeddings(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(Digest(*loaded), Digest(e));
  WriteFile(dir.File("ck.wemb.gz"), Gzip(testing::ReadFile(path)));
  StatusOr<Embeddings> gz = LoadEmbeddings(dir.File("ck.wemb.gz"));
  ASSERT_FALSE(gz.ok());
  EXPECT_NE(gz.status().message().find("a compressed checkpoint; gunzip it"),
            std::string::npos)
      << gz.status().message();
}

}  // namespace
}  // namespace wembed
