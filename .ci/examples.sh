#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every program in examples/ built and run against an installed hipload, the two ways a user's
# project would: CMake's find_package(hipload) and pkg-config.
#   .ci/examples.sh BUILD_DIR     (BUILD_DIR: a configured and built tree of this repository)
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir="$(dirname "$(find "$prefix" -name hipload.pc | head -1)")/.."
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# find_package(hipload), out of the source tree
cmake -S examples -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" -j2 >/dev/null
for src in examples/*.c; do
  name="$(basename "$src" .c)"
  (cd "$work" && "$work/cmake/example_$name" >"$work/cmake-$name.log") \
    || { cat "$work/cmake-$name.log"; echo "examples: $name (find_package) failed" >&2; exit 1; }
done

# pkg-config: one compiler line per program (-lm for the examples' own sqrt/exp)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
for src in examples/*.c; do
  name="$(basename "$src" .c)"
  cc -std=c11 -O2 -o "$work/pc-$name" "$src" $(pkg-config --cflags --libs hipload) -lm
  (cd "$work" && "$work/pc-$name" >"$work/pc-$name.log") \
    || { cat "$work/pc-$name.log"; echo "examples: $name (pkg-config) failed" >&2; exit 1; }
done
echo "examples: $(ls examples/*.c | wc -l) programs built and run with find_package and with pkg-config"
