// Canvas: a cairo drawing surface that becomes a PNG, SVG or PDF file
// (chosen by the output's extension) written through the I/O layer
// (AtomicFileWriter: temp file + rename). Coordinates are in pixels for PNG
// and in points for SVG and PDF; y grows downwards. Not thread-safe.
#ifndef WEMBED_SRC_PLOT_CANVAS_H_
#define WEMBED_SRC_PLOT_CANVAS_H_

#include <cairo.h>

#include <memory>
#include <string>

#include "base/atomic_file_writer.h"
#include "wembed/base/env.h"
#include "wembed/base/status.h"
#include "wembed/plot/image_format.h"

namespace wembed {

struct Color {
  double r = 0, g = 0, b = 0, a = 1;
};

// A Tableau-like palette, legible on white.
namespace palette {
inline constexpr Color kText{0.13, 0.13, 0.15};
inline constexpr Color kMuted{0.45, 0.47, 0.50};
inline constexpr Color kGrid{0.90, 0.91, 0.93};
inline constexpr Color kBlue{0.12, 0.47, 0.71};
inline constexpr Color kOrange{0.90, 0.45, 0.05};
inline constexpr Color kGreen{0.17, 0.63, 0.17};
inline constexpr Color kRed{0.84, 0.15, 0.16};
inline constexpr Color kPurple{0.58, 0.40, 0.74};
inline constexpr Color kSlate{0.35, 0.42, 0.52};
}  // namespace palette

struct TextExtent {
  double width = 0;
  double ascent = 0;   // above the baseline
  double descent = 0;  // below the baseline
  double height() const { return ascent + descent; }
};

enum class Align { kLeft, kCenter, kRight };

class Canvas {
 public:
  // A white canvas of `width` x `height` for `path` (its extension picks
  // the format). The file is written by Finish().
  static StatusOr<std::unique_ptr<Canvas>> Create(const std::string& path,
                                                  double width, double height,
                                                  const Env& env);
  ~Canvas();
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  double width() const { return width_; }
  double height() const { return height_; }
  cairo_t* cr() { return cr_; }

  void SetFont(double size, bool bold = false, bool italic = false);
  // Extent of `text` (UTF-8) in the current font.
  TextExtent Measure(const std::string& text);
  // Draws `text` with its baseline at y; x is its left, centre or right.
  void Text(double x, double y, const std::string& text, Color color,
            Align align = Align::kLeft);
  // The same, turned 90 degrees counter-clockwise around (x, y) and
  // centred on it along the rotated baseline.
  void VerticalText(double x, double y, const std::string& text, Color color);

  void Line(double x0, double y0, double x1, double y1, Color color,
            double width, bool dashed = false);
  // A line with a filled arrow head at (x1, y1).
  void Arrow(double x0, double y0, double x1, double y1, Color color,
             double width, bool dashed = false);
  void Dot(double x, double y, double radius, Color fill, Color ring);
  // A five-pointed star centred on (x, y).
  void Star(double x, double y, double radius, Color fill, Color ring);
  void Rect(double x, double y, double w, double h, Color fill);

  // Renders and writes the file (temp file + rename). Call once.
  Status Finish();

 private:
  Canvas(ImageFormat format, double width, double height,
         const std::string& path, const Env& env);
  static cairo_status_t WriteChunk(void* closure, const unsigned char* data,
                                   unsigned int length);
  Status CairoError(cairo_status_t status) const;
  void SetColor(Color c);

  ImageFormat format_;
  double width_, height_;
  AtomicFileWriter out_;
  Status write_error_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
};

}  // namespace wembed

#endif  // WEMBED_SRC_PLOT_CANVAS_H_
