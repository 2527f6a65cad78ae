#include "wembed/base/env.h"

namespace wembed {

const Env& Env::Default() {
  static constexpr Env kDefault;
  return kDefault;
}

const char* FileOpName(FileOp op) {
  switch (op) {
    case FileOp::kOpen:
      return "open";
    case FileOp::kRead:
      return "read";
    case FileOp::kCreate:
      return "create";
    case FileOp::kWrite:
      return "write";
    case FileOp::kFsync:
      return "fsync";
    case FileOp::kClose:
      return "close";
    case FileOp::kRename:
      return "rename";
    case FileOp::kSyncDir:
      return "fsync directory";
  }
  return "?";
}

}  // namespace wembed
