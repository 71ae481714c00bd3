#!/bin/bash
# Builds another revision of queue-map-reduce in a folder of its own, so that the benchmarks can
# run it side by side with this one in the same run (rows marked "baseline"):
#   bash bench/make-baseline.sh 4bc7b9b /tmp/qmr-baseline
#   QMR_BENCH_BASELINE=/tmp/qmr-baseline BENCH=P3,P8 npm run bench
# It shares this checkout's node_modules (the dependencies are build tools only).
set -euo pipefail
rev=${1:?usage: make-baseline.sh REVISION FOLDER}
dir=${2:?usage: make-baseline.sh REVISION FOLDER}
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$dir"
mkdir -p "$dir"
git -C "$here" archive "$rev" | tar -x -C "$dir"
ln -s "$here/node_modules" "$dir/node_modules"
cd "$dir"
npx tsc -p tsconfig.json
node scripts/mark-executable.mjs
echo "built $(git -C "$here" rev-parse --short "$rev") in $dir"
