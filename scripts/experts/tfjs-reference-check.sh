#!/usr/bin/env bash
# Optional equivalence check: runs the converted TF.js graph models in TensorFlow.js itself (npm @tensorflow/tfjs,
# CPU backend, Apache-2.0, ~300 MB installed under .cache/experts/tfjs-ref) and compares them with the torch
# interpreter on skimage photos. Not needed to build or test; run after fetch-and-convert.sh. ~20 s per photo.
# Usage: scripts/experts/tfjs-reference-check.sh [centernet|selfie] [photo names...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${UNIMLLM_EXPERTS_CACHE:-$ROOT/.cache/experts}"
kind="${1:-centernet}"; shift || true
case "$kind" in
  centernet) MODEL="$CACHE/centernet-3.3.6/package/models/centernet.json" ;;
  selfie) MODEL="$CACHE/selfie-3.0.4/package/models/selfie.json" ;;
  *) echo "unknown model '$kind' (known: centernet, selfie)" >&2; exit 1 ;;
esac
[[ -f "$MODEL" ]] || { echo "run scripts/experts/fetch-and-convert.sh $kind first" >&2; exit 1; }
REF="$CACHE/tfjs-ref"
if [[ ! -d "$REF/node_modules/@tensorflow/tfjs" ]]; then
  mkdir -p "$REF"
  (cd "$REF" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent @tensorflow/tfjs@4.22.0)
fi
cd "$ROOT/scripts/experts"
names=("$@"); [[ ${#names[@]} -gt 0 ]] || names=(astronaut chelsea coffee)
/usr/bin/python3 -W ignore tfjs-reference/compare.py "$kind" "$MODEL" "$REF" "${names[@]}"
