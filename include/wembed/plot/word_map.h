// Word maps: chosen words of an embedding drawn on the plane of their two
// principal components, with an analogy's parallelogram (a : b :: c : d,
// and where b - a + c lands) when one is asked for.
#ifndef WEMBED_PLOT_WORD_MAP_H_
#define WEMBED_PLOT_WORD_MAP_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/status.h"
#include "wembed/eval/nearest_neighbors.h"

namespace wembed {

// "a is to b as c is to d": "man:king::woman:queen", or "man:king::woman"
// (d is then the nearest word to b - a + c).
struct AnalogySpec {
  std::string a, b, c, d;  // d may be empty
};
// Parses the form above; InvalidArgument saying the expected form.
StatusOr<AnalogySpec> ParseAnalogySpec(std::string_view text);

struct WordMapOptions {
  std::vector<std::string> words;  // drawn as given (after the analogy's)
  std::optional<AnalogySpec> analogy;
  size_t neighbors = 0;              // also draw each word's nearest neighbours
  std::string title;                 // "" = a title from the words
  std::string subtitle;              // e.g. the vectors file; "" = none
  double width = 900, height = 660;  // pixels (PNG) or points (SVG, PDF)
};

// What was drawn.
struct WordMapReport {
  std::vector<std::string> words;    // the words drawn, as in the vectors
  std::vector<std::string> unknown;  // requested words not in the vectors
  std::string analogy_answer;        // nearest word to b - a + c, or ""
  float analogy_cosine = 0;          // its cosine with b - a + c
  std::array<double, 2> explained = {0, 0};  // PCA variance shares
};

// Draws the map of `options` over `vectors` (case-insensitive lookup as in
// `wembed similar`) into `path` (.png, .svg or .pdf). Unknown plain words
// are skipped and reported; an unknown analogy word, or fewer than three
// words to draw, is InvalidArgument.
StatusOr<WordMapReport> DrawWordMap(const NearestNeighbors& vectors,
                                    const WordMapOptions& options,
                                    const std::string& path,
                                    const Env& env = Env::Default());

}  // namespace wembed

#endif  // WEMBED_PLOT_WORD_MAP_H_
