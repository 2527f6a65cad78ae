// ExpandInputs: the corpus files named by the --input arguments of vocab,
// encode and train.
//
//  - A file (plain or gzip), a FIFO or "-" (stdin) stands for itself.
//  - A directory stands for the regular files under it, walked recursively:
//    the entries of each directory in byte order of their names, a
//    subdirectory's files where its name sorts. Names starting with '.' are
//    skipped (hidden files and directories), as are FIFOs, sockets and
//    devices inside directories; symlinks are followed (a directory reached
//    twice through links is walked once). A directory without any file is
//    an error.
//  - "@list.txt" stands for the paths listed in list.txt (plain or gzip),
//    one per line, each a file or a directory (expanded as above); empty
//    lines and lines starting with '#' are ignored, a '\r' before the '\n'
//    is dropped, and a relative path is relative to the list's directory.
//    A list naming no path is an error. (A file whose name starts with '@'
//    is given as "./@name".)
//
// Paths are returned as given or joined ("dir/sub/file"), not made absolute.
// Errors name the path: NotFound "<path>: no such file", IoError "<dir>: no
// files in this directory", "<dir>: cannot read the directory: ...".
#ifndef WEMBED_CORPUS_INPUT_FILES_H_
#define WEMBED_CORPUS_INPUT_FILES_H_

#include <string>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

StatusOr<std::vector<std::string>> ExpandInputs(
    const std::vector<std::string>& inputs, const Env& env = Env::Default());

// True if `input` names a list file ("@path").
inline bool IsInputList(const std::string& input) {
  return input.size() > 1 && input[0] == '@';
}

}  // namespace wembed

#endif  // WEMBED_CORPUS_INPUT_FILES_H_
