#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run one libFuzzer target: fuzz/run.sh BUILD_DIR TARGET SECONDS [WORK_DIR]
#   TARGET is storage | extloads | setup | osim; BUILD_DIR was configured with CC=clang -DHIPLOAD_FUZZ=ON.
# The corpus starts from the tiny seeds in fuzz/corpus/TARGET plus, at run time, a few files of
# ../shared/data (never copied into the repository). WORK_DIR keeps the grown corpus and any
# crash-* / leak-* / timeout-* reproducers (default: a fresh temporary folder).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "$1" && pwd)"; target="$2"; secs="$3"; work="${4:-$(mktemp -d)}"
data="${HIPLOAD_DATA_DIR:-$here/../../shared/data}"
mkdir -p "$work/corpus" "$work/seeds"
cp "$here/corpus/$target/"* "$work/seeds/"
if [ -d "$data" ]; then
  case "$target" in
    storage)  find "$data" \( -name '*.sto' -o -name '*.mot' \) -size -64k ;;
    extloads) grep -rlZ --include='*.xml' '<ExternalLoads' "$data" | xargs -0 -r ls ;;
    setup)    grep -rlZ --include='*.xml' '<AnalyzeTool' "$data" | xargs -0 -r ls ;;
    osim)     find "$data" -name '*.osim' -size -256k ;;
  esac | while read -r f; do cp "$f" "$work/seeds/$(echo "$f" | sed 's|.*/data/||; s|/|_|g')"; done
fi
echo "fuzz_$target: $(ls "$work/seeds" | wc -l) seeds, ${secs}s, work dir $work"
cd "$work"
# -timeout: one input taking over 10 s is a hang; -rss_limit_mb bounds memory.
exec "$build/fuzz/fuzz_$target" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 corpus seeds
