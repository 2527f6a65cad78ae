#!/usr/bin/env bash
# Fails if any function in src/, tools/ or include/ is longer than MAX lines
# (end line minus start line, as universal-ctags reports them).
# Usage: scripts/check_function_length.sh [MAX]   (default 80)
set -euo pipefail
cd "$(dirname "$0")/.."
MAX="${1:-80}"
if ! command -v ctags >/dev/null; then
  echo "check_function_length: ctags not found (apt-get install universal-ctags)" >&2
  exit 1
fi
long=$(ctags -x --_xformat="%n %e %F %N" --kinds-C++=f --fields=+ne -R \
         src tools include 2>/dev/null |
       awk -v max="$MAX" '$2 != "" && $2 - $1 > max {print $2 - $1, $3, $4}' |
       sort -rn)
if [ -n "$long" ]; then
  echo "functions longer than $MAX lines (lines, file, name):" >&2
  echo "$long" >&2
  exit 1
fi
echo "check_function_length: no function over $MAX lines"
