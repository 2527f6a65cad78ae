// The picture formats `wembed plot` writes, chosen by the output's
// extension.
#ifndef WEMBED_PLOT_IMAGE_FORMAT_H_
#define WEMBED_PLOT_IMAGE_FORMAT_H_

#include <string>

#include "wembed/base/status.h"

namespace wembed {

enum class ImageFormat { kPng, kSvg, kPdf };

// The format of `path` by its extension (.png, .svg or .pdf, any case);
// InvalidArgument naming the path otherwise.
StatusOr<ImageFormat> ImageFormatForPath(const std::string& path);

}  // namespace wembed

#endif  // WEMBED_PLOT_IMAGE_FORMAT_H_
