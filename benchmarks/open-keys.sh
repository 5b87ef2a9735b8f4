#!/usr/bin/env bash
# Many open accumulator keys (SPEC: no unit waits for another): outputs/s, peak RSS and threads of the packaged
# sample app with every key open, on Java 17 (platform threads) and, where present, Java 25 (virtual threads).
#   benchmarks/open-keys.sh [--keys 10000] [--rounds 20]
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -ntp -q clean install -DskipTests
./mvnw -B -ntp -q -pl benchmarks/harness package -DskipTests
jar=$(ls sample-app/target/numaflow-reducer-sample-app-*.jar | grep -v original | head -1)
harness_cp="$(pwd)/$(ls benchmarks/harness/target/numaflow-reducer-benchmarks-harness-*.jar):$(cat benchmarks/harness/target/classpath.txt)"

java25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for java in "$(command -v java)" "$java25"; do
  [ -x "$java" ] || continue
  java -cp "$harness_cp" io.numaflow.reducer.bench.OpenKeysCheck --ours-jar "$jar" --java "$java" "$@"
done
