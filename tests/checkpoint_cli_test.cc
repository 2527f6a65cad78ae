// `wembed info` and `wembed export` driven through the real binary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/embeddings.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::CountLines;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

constexpr size_t kWords = 20;
constexpr size_t kDim = 8;

class CheckpointCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ckpt_path_ = dir_.File("run.wemb");

    std::vector<std::string> words;
    std::vector<uint64_t> counts;
    for (size_t i = 0; i < kWords; ++i) {
      words.push_back(i == 0 ? "größe" : "word" + std::to_string(i));
      counts.push_back(100 - i);
    }
    ckpt_.options = {{"dim", "8"}, {"epochs", "5"}, {"window", "5"}};
    ckpt_.vocab = Vocabulary::FromWordsAndCounts(words, counts).value();
    ckpt_.input = Matrix(kWords, kDim);
    ckpt_.output = Matrix(kWords, kDim);
    for (size_t r = 0; r < kWords; ++r) {
      for (size_t k = 0; k < kDim; ++k) {
        ckpt_.input.row(r)[k] = float(r) + 0.125f * float(k);
        ckpt_.output.row(r)[k] = -0.5f * float(r) + 0.25f;
      }
    }
    TrainProgress& p = ckpt_.progress;
    p.epoch = 2;
    p.corpus_tokens = 1000;
    p.corpus_bytes = 1500;
    p.words_processed = 2500;  // half of 5 epochs x 1000 tokens
    p.elapsed_seconds = 3725;  // 1:02:05
    p.loss_sum = 30;
    p.loss_count = 100;
    for (int t = 0; t < 2; ++t) {
      ThreadProgress tp;
      tp.epoch = 2 + t;
      tp.begin = 750 * t;
      tp.end = 750 * (t + 1);
      tp.position = tp.begin + 150;
      tp.words_done = 100;
      p.threads.push_back(tp);
    }
    ASSERT_TRUE(WriteCheckpoint(ckpt_path_, ckpt_).ok());
  }

  // Runs the wembed binary with `args`.
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), WEMBED_BINARY);
    return RunCommand(args, dir_.path());
  }

  // Parses a word2vec text file into word -> vector rows.
  static std::vector<std::pair<std::string, std::vector<float>>> ParseText(
      const std::string& text, std::string* header) {
    std::istringstream in(text);
    std::getline(in, *header);
    std::vector<std::pair<std::string, std::vector<float>>> rows;
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string word;
      ls >> word;
      std::vector<float> v;
      float x;
      while (ls >> x) v.push_back(x);
      rows.push_back({word, v});
    }
    return rows;
  }

  TempDir dir_;
  std::string ckpt_path_;
  Checkpoint ckpt_;
};

TEST_F(CheckpointCliTest, InfoDescribesTheCheckpoint) {
  const CommandResult r = Run({"info", ckpt_path_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const std::string& want :
       {std::string("format version:  1"), std::string("20 words"),
        std::string("dim:             8"), std::string("epoch 3 of 5"),
        std::string("2 completed by every thread"), std::string("50.0%"),
        std::string("words processed 2500 of 5000"),
        std::string("finished:        no"), std::string("1:02:05"),
        std::string("average loss:    0.3"), std::string("threads:         2"),
        std::string("epochs completed 2..3"),
        std::string("position 900 in [750, 1500) 20.0%"),
        std::string("epochs = 5"), std::string("window = 5"),
        std::string("options:         3")}) {
    EXPECT_NE(r.out.find(want), std::string::npos)
        << "missing '" << want << "' in:\n"
        << r.out;
  }
}

TEST_F(CheckpointCliTest, InfoJson) {
  const CommandResult r = Run({"info", "--json", ckpt_path_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CountLines(r.out), 1);
  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["format_version"], 1);
  EXPECT_EQ(j["vocab_size"], 20);
  EXPECT_EQ(j["dim"], 8);
  EXPECT_EQ(j["options"]["dim"], "8");
  EXPECT_EQ(j["options"]["epochs"], "5");
  EXPECT_EQ(j["progress"]["epochs"], 5);
  EXPECT_EQ(j["progress"]["percent"], 50.0);
  EXPECT_EQ(j["progress"]["finished"], false);
  ASSERT_TRUE(j["threads"].is_array());
  const nlohmann::json& t0 = j["threads"][1];  // the second thread
  EXPECT_EQ(t0["epochs_completed"], 3);
  EXPECT_EQ(t0["begin"], 750);
  EXPECT_EQ(t0["end"], 1500);
  EXPECT_EQ(t0["position"], 900);
  // Keys keep the documented order (options as stored).
  EXPECT_LT(r.out.find("\"format_version\""), r.out.find("\"options\""));
  EXPECT_LT(r.out.find("\"dim\":\"8\""), r.out.find("\"epochs\":\"5\""));
}

TEST_F(CheckpointCliTest, InfoOnDamagedFileFailsWithOneLineNamingIt) {
  std::string bytes = ReadFile(ckpt_path_);
  bytes[bytes.size() / 2] ^= 0x40;
  const std::string bad = dir_.File("bad.wemb");
  WriteFile(bad, bytes);
  const CommandResult r = Run({"info", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(bad + ": checksum mismatch in section"),
            std::string::npos)
      << r.err;

  WriteFile(dir_.File("text.txt"), "just text\n");
  const CommandResult text = Run({"info", dir_.File("text.txt")});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.err.find("not a wembed checkpoint"), std::string::npos);

  const CommandResult missing = Run({"info", dir_.File("missing.wemb")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(CountLines(missing.err), 1);
  EXPECT_NE(missing.err.find(dir_.File("missing.wemb")), std::string::npos);
}

TEST_F(CheckpointCliTest, UsageErrorsExitWith2) {
  EXPECT_EQ(Run({"info"}).exit_code, 2);
  EXPECT_EQ(Run({"info", ckpt_path_, "--bogus"}).exit_code, 2);
  EXPECT_EQ(Run({"export", ckpt_path_}).exit_code, 2);  // no --output
  const CommandResult help = Run({"export", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--output-vectors"), std::string::npos);
}

TEST_F(CheckpointCliTest, ExportWritesBinaryWord2VecByDefault) {
  const std::string out = dir_.File("vectors.bin");
  const CommandResult r = Run({"export", ckpt_path_, "--output", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string bytes = ReadFile(out);
  ASSERT_EQ(bytes.substr(0, 5), "20 8\n");
  // Row i: word, ' ', 8 little-endian floats, '\n'.
  size_t at = 5;
  for (size_t i = 0; i < kWords; ++i) {
    const std::string& word = ckpt_.vocab.word(int32_t(i));
    ASSERT_EQ(bytes.substr(at, word.size() + 1), word + " ") << i;
    at += word.size() + 1;
    for (size_t k = 0; k < kDim; ++k) {
      float x;
      std::memcpy(&x, bytes.data() + at, 4);
      // auto: a skip-gram checkpoint with a vector per word exports mix
      EXPECT_FLOAT_EQ(x, ckpt_.input.row(i)[k] +
                             float(kDefaultOutputWeight) *
                                 ckpt_.output.row(i)[k])
          << i << "," << k;
      at += 4;
    }
    ASSERT_EQ(bytes[at], '\n');
    ++at;
  }
  EXPECT_EQ(at, bytes.size());
  EXPECT_NE(r.err.find("not finished"), std::string::npos) << r.err;
}

TEST_F(CheckpointCliTest, ExportTextOutputAndSumVectors) {
  for (const std::string which : {"output", "sum", "mix", "input"}) {
    const std::string out = dir_.File("vectors_" + which + ".txt");
    const CommandResult r =
        Run({"export", ckpt_path_, "-o", out, "--format", "txt",
             "--output-vectors", which, "--output-weight", "0.5"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string header;
    const auto rows = ParseText(ReadFile(out), &header);
    EXPECT_EQ(header, "20 8");
    ASSERT_EQ(rows.size(), kWords);
    for (size_t i = 0; i < kWords; ++i) {
      EXPECT_EQ(rows[i].first, ckpt_.vocab.word(int32_t(i)));
      ASSERT_EQ(rows[i].second.size(), kDim);
      for (size_t k = 0; k < kDim; ++k) {
        const float in = ckpt_.input.row(i)[k], out = ckpt_.output.row(i)[k];
        const float want = which == "output" ? out
                           : which == "sum"  ? in + out
                           : which == "mix"  ? in + 0.5f * out
                                             : in;
        EXPECT_NEAR(rows[i].second[k], want, 1e-5) << which << " " << i;
      }
    }
  }
}

TEST_F(CheckpointCliTest, ExportFailuresLeaveNoOutput) {
  const std::string out = dir_.File("never.bin");
  const CommandResult bad_format =
      Run({"export", ckpt_path_, "-o", out, "--format", "xml"});
  EXPECT_EQ(bad_format.exit_code, 1);
  EXPECT_NE(bad_format.err.find("--format"), std::string::npos);
  const CommandResult bad_which =
      Run({"export", ckpt_path_, "-o", out, "--output-vectors", "both"});
  EXPECT_EQ(bad_which.exit_code, 1);
  const CommandResult missing =
      Run({"export", dir_.File("none.wemb"), "-o", out});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find(dir_.File("none.wemb")), std::string::npos);
  const CommandResult self = Run({"export", ckpt_path_, "-o", ckpt_path_});
  EXPECT_EQ(self.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_TRUE(ReadCheckpoint(ckpt_path_).ok());
}

}  // namespace
}  // namespace wembed
