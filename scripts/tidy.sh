#!/bin/sh
# Runs clang-tidy (.clang-tidy) over the library, src/core, from a clang compile database
# without precompiled headers (GCC's cannot be read by clang). Exits non-zero on any
# finding. Usage: scripts/tidy.sh [FILE-REGEX]   (default: every src/core/*.cpp)
set -eu
cd "$(dirname "$0")/.."
command -v run-clang-tidy >/dev/null 2>&1 || { echo "tidy.sh: install clang-tidy" >&2; exit 2; }
cmake -S . -B build/tidy -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run-clang-tidy -p build/tidy -quiet "${1:-src/core/.*\.cpp\$}" >"$log" 2>&1 || true
if grep -E '(warning|error):' "$log"; then
  exit 1
fi
echo "tidy.sh: clean" >&2
