// wembed plot: pictures of word vectors (a PCA word map, optionally with an
// analogy's parallelogram) and of a training run (loss and learning rate
// from a --log-json file). The drawing is the library's (wembed/plot).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "vector_loading.h"
#include "wembed/base/output_paths.h"
#include "wembed/eval/nearest_neighbors.h"
#include "wembed/plot/image_format.h"
#include "wembed/plot/training_curve.h"
#include "wembed/plot/word_map.h"

namespace wembed::cli {
namespace {

constexpr char kCommand[] = "plot";

struct PlotArgs {
  std::string vectors, training, output, analogy, title;
  std::vector<std::string> words;  // as given: comma-separated lists
  size_t neighbors = 0;
  size_t max_rows = 0;
  double width = 0, height = 0;  // 0 = the picture's default
};

void AddPlotOptions(po::options_description& desc, PlotArgs* a) {
  desc.add_options()(
      "vectors", po::value<std::string>(&a->vectors),
      "word map: word2vec text/binary vectors (plain or gzip) or a wembed "
      "checkpoint")(
      "words", po::value<std::vector<std::string>>(&a->words)->multitoken(),
      "word map: the words to draw, comma- or space-separated")(
      "analogy", po::value<std::string>(&a->analogy),
      "word map: a:b::c:d (man:king::woman:queen) or a:b::c; draws the "
      "parallelogram and where b - a + c lands")(
      "neighbors", po::value<size_t>(&a->neighbors)->default_value(0),
      "word map: also draw each word's N nearest neighbours")(
      "max-rows", po::value<size_t>(&a->max_rows)->default_value(0),
      "word map: use only the first N rows of the vectors (0 = all)")(
      "training", po::value<std::string>(&a->training),
      "training curve: a `wembed train --log-json` file")(
      "output,o", po::value<std::string>(&a->output)->required(),
      "picture to write: .png, .svg or .pdf")(
      "title", po::value<std::string>(&a->title), "title (default: derived)")(
      "width", po::value<double>(&a->width)->default_value(0),
      "width in pixels (PNG) or points (SVG, PDF); 0 = default")(
      "height", po::value<double>(&a->height)->default_value(0),
      "height; 0 = default");
}

// The --words lists split at commas, empty pieces dropped.
std::vector<std::string> SplitWords(const std::vector<std::string>& given) {
  std::vector<std::string> words;
  for (const std::string& list : given) {
    size_t at = 0;
    while (at <= list.size()) {
      const size_t comma = std::min(list.find(',', at), list.size());
      if (comma > at) words.push_back(list.substr(at, comma - at));
      at = comma + 1;
    }
  }
  return words;
}

// Usage problems found before anything is read; nullopt when fine.
std::optional<int> CheckArgs(const PlotArgs& a) {
  if (a.vectors.empty() == a.training.empty()) {
    return ReportUsageError(kCommand,
                            "give --vectors (a word map) or --training (a "
                            "training curve), not both");
  }
  if (!a.vectors.empty() && a.words.empty() && a.analogy.empty()) {
    return ReportUsageError(kCommand, "--vectors needs --words or --analogy");
  }
  if (a.width < 0 || a.height < 0 || a.width > 20000 || a.height > 20000) {
    return ReportError(
        kCommand, Status::InvalidArgument("--width and --height must be in "
                                          "0..20000"));
  }
  return std::nullopt;
}

Status CheckPaths(const PlotArgs& a) {
  WEMBED_RETURN_IF_ERROR(ImageFormatForPath(a.output).status());
  WEMBED_RETURN_IF_ERROR(
      CheckOutputPaths({{"--vectors", a.vectors}, {"--training", a.training}},
                       {{"--output", a.output}}));
  return CheckWritable("--output", a.output);
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string s;
  for (const std::string& w : words) s += (s.empty() ? "" : ", ") + w;
  return s;
}

void ReportWordMap(const PlotArgs& a, const WordMapReport& r) {
  if (!r.unknown.empty()) {
    ReportNote(kCommand, "warning: not in the vocabulary, skipped: " +
                             JoinWords(r.unknown));
  }
  char buf[96];
  std::snprintf(buf, sizeof(buf), " (PCA: %.0f%% + %.0f%% of the variance)",
                100 * r.explained[0], 100 * r.explained[1]);
  std::string text =
      "drew " + CountOf(r.words.size(), "word") + " to " + a.output + buf;
  if (!r.analogy_answer.empty()) {
    std::snprintf(buf, sizeof(buf), "%.3f", r.analogy_cosine);
    text += "; nearest to the analogy's b - a + c: " + r.analogy_answer +
            " (cosine " + buf + ")";
  }
  ReportNote(kCommand, text);
}

int RunWordMap(const PlotArgs& a) {
  WordMapOptions o;
  o.words = SplitWords(a.words);
  if (!a.analogy.empty()) {
    StatusOr<AnalogySpec> spec = ParseAnalogySpec(a.analogy);
    if (!spec.ok()) return ReportError(kCommand, spec.status());
    o.analogy = *spec;
  }
  o.neighbors = a.neighbors;
  o.title = a.title;
  o.subtitle = std::filesystem::path(a.vectors).filename().string();
  if (a.width > 0) o.width = a.width;
  if (a.height > 0) o.height = a.height;
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> emb =
      LoadVectorsForCommand(kCommand, a.vectors, a.max_rows, &info);
  if (!emb.ok()) return ReportError(kCommand, emb.status());
  const NearestNeighbors nn(std::move(emb).value());
  StatusOr<WordMapReport> r = DrawWordMap(nn, o, a.output);
  if (!r.ok()) return ReportError(kCommand, r.status());
  ReportWordMap(a, *r);
  return kExitOk;
}

int RunTrainingCurve(const PlotArgs& a) {
  StatusOr<std::vector<TrainingLogPoint>> points = ReadTrainingLog(a.training);
  if (!points.ok()) return ReportError(kCommand, points.status());
  TrainingCurveOptions o;
  if (!a.title.empty()) o.title = a.title;
  o.subtitle = std::filesystem::path(a.training).filename().string();
  if (a.width > 0) o.width = a.width;
  if (a.height > 0) o.height = a.height;
  if (Status s = DrawTrainingCurve(*points, o, a.output); !s.ok()) {
    return ReportError(kCommand, s);
  }
  ReportNote(kCommand, "drew " + CountOf(points->size(), "progress line") +
                           " to " + a.output);
  return kExitOk;
}

}  // namespace

int RunPlotCommand(int argc, char** argv) {
  PlotArgs a;
  po::options_description desc("options");
  AddPlotOptions(desc, &a);
  po::variables_map vm;
  if (auto code = ParseCommandLine(
          argc, argv,
          "wembed plot --vectors V --words W1,W2,... [--analogy a:b::c:d] "
          "--output MAP.png|svg|pdf\n"
          "       wembed plot --training LOG.jsonl --output CURVE.png|svg|pdf",
          "Draws word vectors on the plane of their two principal components "
          "(labels\nplaced to avoid overlaps; with --analogy the "
          "parallelogram a -> b, c -> d and\nwhere b - a + c lands), or the "
          "loss and learning rate of a training run\nlogged with `wembed "
          "train --log-json`. The format follows the extension.",
          desc, nullptr, &vm)) {
    return *code;
  }
  if (auto code = CheckArgs(a)) return *code;
  if (Status s = CheckPaths(a); !s.ok()) return ReportError(kCommand, s);
  return a.vectors.empty() ? RunTrainingCurve(a) : RunWordMap(a);
}

}  // namespace wembed::cli
