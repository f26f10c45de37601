#!/usr/bin/env bash
# The benchmark of docs/performance.md: unimllm, PyTorch eager (Debian's python3-torch) and Jlama 0.8.4 (Temurin 25)
# on the same random 200M-parameter Llama checkpoint, one after the other on an otherwise idle machine.
# Results: bench-out/{unimllm,torch,jlama}.jsonl. Usage: tools/bench/run-all.sh [warmup] [runs]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
WARMUP="${1:-2}"
RUNS="${2:-5}"
THREADS="${THREADS:-2}"
MODEL=bench-out/llama-200m
JDK25=/usr/lib/jvm/temurin-25-jdk-amd64
scripts/ensure-prereqs.sh
[[ -f "$MODEL/model.safetensors" ]] || /usr/bin/python3 tools/bench/make_bench_model.py "$MODEL"
scripts/fetch-tokenizers.sh llama2   # Jlama insists on a tokenizer.json; the bench feeds token ids

echo "== unimllm (DJL 0.35.1 / libtorch 2.7.1)"
MAVEN_OPTS="-Dai.djl.pytorch.num_threads=$THREADS" mvn -q -B -DskipTests -pl examples -am package exec:java \
  -Dexec.args="bench --model $MODEL --warmup $WARMUP --runs $RUNS --decode scripted,packed,ops --router --products --json bench-out/unimllm.jsonl"

echo "== PyTorch eager (python3-torch)"
/usr/bin/python3 tools/bench/torch_peer.py --model "$MODEL" --warmup "$WARMUP" --runs "$RUNS" --threads "$THREADS" \
  | tee bench-out/torch.jsonl

echo "== Jlama 0.8.4"
JAVA_HOME="$JDK25" mvn -q -B -f bench/jlama/pom.xml package
"$JDK25/bin/java" --add-modules jdk.incubator.vector --enable-preview -jar bench/jlama/target/jlama-bench.jar \
  --model "$MODEL" --tokenizer .cache/tokenizers/llama2-3.7.2/tokenizer.json --prompt-tokens 128 --new-tokens 64 \
  --warmup "$WARMUP" --runs "$RUNS" --threads "$THREADS" | tee bench-out/jlama.jsonl
