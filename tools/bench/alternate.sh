#!/usr/bin/env bash
# Batch-1 decode of Jlama and unimllm, alternated round by round on the same checkpoint, so that the comparison is
# made between runs seconds apart (this VM's bandwidth drifts by up to 25% within minutes; docs/performance.md).
# Run tools/bench/run-all.sh once first (it builds the bench model, the Jlama bench jar and fetches the tokenizer).
# Results: bench-out/alternate-{jlama,unimllm}.jsonl. Usage: tools/bench/alternate.sh [rounds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROUNDS="${1:-3}"
THREADS="${THREADS:-2}"
MODEL=bench-out/llama-200m
JDK25=/usr/lib/jvm/temurin-25-jdk-amd64
mvn -q -B -DskipTests -pl examples -am install
: > bench-out/alternate-jlama.jsonl
: > bench-out/alternate-unimllm.jsonl
for i in $(seq "$ROUNDS"); do
  echo "== round $i: Jlama 0.8.4"
  "$JDK25/bin/java" --add-modules jdk.incubator.vector --enable-preview -jar bench/jlama/target/jlama-bench.jar \
    --model "$MODEL" --tokenizer .cache/tokenizers/llama2-3.7.2/tokenizer.json --prompt-tokens 128 --new-tokens 64 \
    --warmup 1 --runs 3 --threads "$THREADS" | tee -a bench-out/alternate-jlama.jsonl
  echo "== round $i: unimllm"
  MAVEN_OPTS="-Dai.djl.pytorch.num_threads=$THREADS" mvn -q -B -pl examples exec:java \
    -Dexec.args="bench --model $MODEL --batch 1 --warmup 1 --runs 3 --decode scripted,ops --json bench-out/alternate-unimllm-$i.jsonl"
  cat "bench-out/alternate-unimllm-$i.jsonl" >> bench-out/alternate-unimllm.jsonl
done
