#!/usr/bin/env bash
# Before/after benchmark of a change: the decode benchmark of two commits on the same weights, alternated round by
# round (this VM's bandwidth drifts within minutes, so only runs seconds apart compare), reporting each round's
# ratio after/before and their median. Each commit is built in its own git worktree under bench-out/compare/.
# Usage: tools/bench/compare-commits.sh BEFORE_COMMIT [AFTER_COMMIT (default: the work tree)] [rounds (default 5)]
# Run tools/bench/run-all.sh once first: it writes the 200M bench model bench-out/llama-200m.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BEFORE="$1"
AFTER="${2:-}"
ROUNDS="${3:-5}"
THREADS="${THREADS:-2}"
MODEL="$PWD/bench-out/llama-200m"
OUT="$PWD/bench-out/compare"
mkdir -p "$OUT"

# Builds the CLI of a commit (or of the work tree) and writes its class path to $OUT/cp-NAME.txt.
build() {
  local name="$1" commit="$2" dir
  if [[ -z "$commit" ]]; then
    dir="$PWD"
  else
    dir="$OUT/tree-$name"
    [[ -d "$dir" ]] || git worktree add --detach "$dir" "$commit" >/dev/null
    git -C "$dir" checkout -q --detach "$commit"
  fi
  (cd "$dir" && mvn -q -B -DskipTests -Dmaven.javadoc.skip=true -pl examples -am package \
    dependency:build-classpath -Dmdep.outputFile="$OUT/cp-$name.txt")
  echo "$dir/examples/target/classes:$(cat "$OUT/cp-$name.txt")" > "$OUT/cp-$name.txt"
}
build before "$BEFORE"
build after "$AFTER"

run() {
  local name="$1" round="$2"
  java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -cp "$(cat "$OUT/cp-$name.txt")" \
    io.unimllm.examples.Main bench --model "$MODEL" --warmup 1 --runs 3 --decode scripted \
    --json "$OUT/$name-$round.jsonl" > "$OUT/$name-$round.log" 2>&1
}
for i in $(seq "$ROUNDS"); do
  # alternate which side goes first, so that neither always runs on a warmer machine
  if (( i % 2 )); then run before "$i"; run after "$i"; else run after "$i"; run before "$i"; fi
  echo "round $i done"
done
/usr/bin/python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def rows(name, i):
    res = {}
    for line in open(f"{out}/{name}-{i}.jsonl"):
        r = json.loads(line)
        if r.get("decode") and "batch" in r:
            res[r["batch"]] = r
    return res
print("| round | batch | before tok/s | after tok/s | after / before | before % of limit | after % of limit |")
print("|---|---|---|---|---|---|---|")
ratios = {}
for i in range(1, rounds + 1):
    b, a = rows("before", i), rows("after", i)
    for batch in sorted(b):
        x, y = b[batch], a[batch]
        ratio = y["decode_tok_s"] / x["decode_tok_s"]
        ratios.setdefault(batch, []).append(ratio)
        print(f"| {i} | {batch} | {x['decode_tok_s']:.1f} | {y['decode_tok_s']:.1f} | {ratio:.3f} | "
              f"{100 * x['fraction_of_step_limit']:.0f}% | {100 * y['fraction_of_step_limit']:.0f}% |")
for batch, r in sorted(ratios.items()):
    print(f"batch {batch}: median after/before {statistics.median(r):.3f} over {len(r)} rounds "
          f"(min {min(r):.3f}, max {max(r):.3f})")
PY
