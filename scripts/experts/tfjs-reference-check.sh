#!/usr/bin/env bash
# Optional equivalence check: runs the CenterNet graph in TensorFlow.js itself (npm @tensorflow/tfjs, CPU backend,
# Apache-2.0, ~300 MB installed under .cache/experts/tfjs-ref) and compares it with the torch interpreter on
# skimage photos. Not needed to build or test; run after fetch-and-convert.sh. Takes ~20 s per photo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${UNIMLLM_EXPERTS_CACHE:-$ROOT/.cache/experts}"
MODEL_DIR="$CACHE/centernet-3.3.6/package/models"
[[ -f "$MODEL_DIR/centernet.json" ]] || { echo "run scripts/experts/fetch-and-convert.sh centernet first" >&2; exit 1; }
REF="$CACHE/tfjs-ref"
if [[ ! -d "$REF/node_modules/@tensorflow/tfjs" ]]; then
  mkdir -p "$REF"
  (cd "$REF" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent @tensorflow/tfjs@4.22.0)
fi
cd "$ROOT/scripts/experts"
names=("$@"); [[ ${#names[@]} -gt 0 ]] || names=(astronaut chelsea coffee)
/usr/bin/python3 -W ignore tfjs-reference/compare.py "$MODEL_DIR" "$REF" "${names[@]}"
