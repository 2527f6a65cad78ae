#include "plot/canvas.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>

namespace wembed {
namespace {

constexpr char kFontFamily[] = "DejaVu Sans";

std::string LowerExtension(const std::string& path) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return "";
  std::string ext = path.substr(dot + 1);
  for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

StatusOr<ImageFormat> ImageFormatForPath(const std::string& path) {
  const std::string ext = LowerExtension(path);
  if (ext == "png") return ImageFormat::kPng;
  if (ext == "svg") return ImageFormat::kSvg;
  if (ext == "pdf") return ImageFormat::kPdf;
  return Status::InvalidArgument(
      path +
      ": the picture format comes from the extension: .png, .svg or "
      ".pdf");
}

Canvas::Canvas(ImageFormat format, double width, double height,
               const std::string& path, const Env& env)
    : format_(format), width_(width), height_(height), out_(path, env) {}

Canvas::~Canvas() {
  if (cr_ != nullptr) cairo_destroy(cr_);
  if (surface_ != nullptr) cairo_surface_destroy(surface_);
}

cairo_status_t Canvas::WriteChunk(void* closure, const unsigned char* data,
                                  unsigned int length) {
  Canvas* self = static_cast<Canvas*>(closure);
  if (!self->write_error_.ok()) return CAIRO_STATUS_WRITE_ERROR;
  self->write_error_ = self->out_.Append(data, length);
  return self->write_error_.ok() ? CAIRO_STATUS_SUCCESS
                                 : CAIRO_STATUS_WRITE_ERROR;
}

Status Canvas::CairoError(cairo_status_t status) const {
  if (!write_error_.ok()) return write_error_;
  return Status::Internal(out_.path() +
                          ": cairo: " + cairo_status_to_string(status));
}

StatusOr<std::unique_ptr<Canvas>> Canvas::Create(const std::string& path,
                                                 double width, double height,
                                                 const Env& env) {
  StatusOr<ImageFormat> format = ImageFormatForPath(path);
  if (!format.ok()) return format.status();
  std::unique_ptr<Canvas> c(new Canvas(*format, width, height, path, env));
  WEMBED_RETURN_IF_ERROR(c->out_.Open());
  switch (*format) {
    case ImageFormat::kPng:
      c->surface_ = cairo_image_surface_create(
          CAIRO_FORMAT_ARGB32, int(std::ceil(width)), int(std::ceil(height)));
      break;
    case ImageFormat::kSvg:
      c->surface_ = cairo_svg_surface_create_for_stream(WriteChunk, c.get(),
                                                        width, height);
      break;
    case ImageFormat::kPdf:
      c->surface_ = cairo_pdf_surface_create_for_stream(WriteChunk, c.get(),
                                                        width, height);
      break;
  }
  if (cairo_status_t st = cairo_surface_status(c->surface_);
      st != CAIRO_STATUS_SUCCESS) {
    return c->CairoError(st);
  }
  c->cr_ = cairo_create(c->surface_);
  c->Rect(0, 0, width, height, Color{1, 1, 1});
  cairo_set_line_join(c->cr_, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(c->cr_, CAIRO_LINE_CAP_ROUND);
  c->SetFont(12);
  return c;
}

void Canvas::SetColor(Color c) {
  cairo_set_source_rgba(cr_, c.r, c.g, c.b, c.a);
}

void Canvas::SetFont(double size, bool bold, bool italic) {
  cairo_select_font_face(
      cr_, kFontFamily,
      italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
      bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr_, size);
}

TextExtent Canvas::Measure(const std::string& text) {
  cairo_text_extents_t te;
  cairo_text_extents(cr_, text.c_str(), &te);
  cairo_font_extents_t fe;
  cairo_font_extents(cr_, &fe);
  // Font-wide ascent and descent: labels of one size line up and never
  // clip a letter that a sibling lacks.
  return TextExtent{te.x_advance, fe.ascent * 0.8, fe.descent};
}

void Canvas::Text(double x, double y, const std::string& text, Color color,
                  Align align) {
  const double w = Measure(text).width;
  if (align == Align::kCenter) x -= w / 2;
  if (align == Align::kRight) x -= w;
  SetColor(color);
  cairo_move_to(cr_, x, y);
  cairo_show_text(cr_, text.c_str());
}

void Canvas::VerticalText(double x, double y, const std::string& text,
                          Color color) {
  cairo_save(cr_);
  cairo_translate(cr_, x, y);
  cairo_rotate(cr_, -std::numbers::pi / 2);
  Text(0, 0, text, color, Align::kCenter);
  cairo_restore(cr_);
}

void Canvas::Line(double x0, double y0, double x1, double y1, Color color,
                  double width, bool dashed) {
  SetColor(color);
  cairo_set_line_width(cr_, width);
  const double dash[] = {5 * width, 3.5 * width};
  cairo_set_dash(cr_, dash, dashed ? 2 : 0, 0);
  cairo_move_to(cr_, x0, y0);
  cairo_line_to(cr_, x1, y1);
  cairo_stroke(cr_);
  cairo_set_dash(cr_, nullptr, 0, 0);
}

void Canvas::Arrow(double x0, double y0, double x1, double y1, Color color,
                   double width, bool dashed) {
  const double dx = x1 - x0, dy = y1 - y0;
  const double len = std::hypot(dx, dy);
  if (len < 1e-9) return;
  const double ux = dx / len, uy = dy / len;
  const double head = std::min(len * 0.5, 5.0 + 3.0 * width);
  // The shaft stops inside the head so its round cap does not poke out.
  Line(x0, y0, x1 - ux * head * 0.8, y1 - uy * head * 0.8, color, width,
       dashed);
  SetColor(color);
  cairo_move_to(cr_, x1, y1);
  cairo_line_to(cr_, x1 - ux * head - uy * head * 0.45,
                y1 - uy * head + ux * head * 0.45);
  cairo_line_to(cr_, x1 - ux * head + uy * head * 0.45,
                y1 - uy * head - ux * head * 0.45);
  cairo_close_path(cr_);
  cairo_fill(cr_);
}

void Canvas::Dot(double x, double y, double radius, Color fill, Color ring) {
  cairo_new_path(cr_);
  cairo_arc(cr_, x, y, radius, 0, 2 * std::numbers::pi);
  SetColor(fill);
  cairo_fill_preserve(cr_);
  SetColor(ring);
  cairo_set_line_width(cr_, 1.2);
  cairo_stroke(cr_);
}

void Canvas::Star(double x, double y, double radius, Color fill, Color ring) {
  cairo_new_path(cr_);
  for (int i = 0; i < 10; ++i) {
    const double r = i % 2 == 0 ? radius : radius * 0.45;
    const double a = -std::numbers::pi / 2 + i * std::numbers::pi / 5;
    cairo_line_to(cr_, x + r * std::cos(a), y + r * std::sin(a));
  }
  cairo_close_path(cr_);
  SetColor(fill);
  cairo_fill_preserve(cr_);
  SetColor(ring);
  cairo_set_line_width(cr_, 1.2);
  cairo_stroke(cr_);
}

void Canvas::Rect(double x, double y, double w, double h, Color fill) {
  SetColor(fill);
  cairo_rectangle(cr_, x, y, w, h);
  cairo_fill(cr_);
}

Status Canvas::Finish() {
  cairo_destroy(cr_);
  cr_ = nullptr;
  cairo_status_t st = CAIRO_STATUS_SUCCESS;
  if (format_ == ImageFormat::kPng) {
    st = cairo_surface_write_to_png_stream(surface_, WriteChunk, this);
  } else {
    cairo_surface_finish(surface_);
    st = cairo_surface_status(surface_);
  }
  if (st != CAIRO_STATUS_SUCCESS) return CairoError(st);
  WEMBED_RETURN_IF_ERROR(write_error_);
  return out_.Commit();
}

}  // namespace wembed
