#!/usr/bin/env bash
# Builds the project (tests skipped) and runs the reduce benchmarks: floor vs ours vs the official SDK.
#   benchmarks/run.sh            full run (~10 min on 2 cores)
#   benchmarks/run.sh --quick    smoke run (~1 min)
#   benchmarks/run.sh --profile --servers ours    JFR profile of the engine (see README.md)
# Any other option is passed to the runner (benchmarks/README.md lists them).
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -ntp -q -pl benchmarks/harness,benchmarks/official-sdk -am package -DskipTests

harness_jar=$(ls benchmarks/harness/target/numaflow-reducer-benchmarks-harness-*.jar)
sdk_jar=$(ls benchmarks/official-sdk/target/numaflow-reducer-benchmarks-official-sdk-*.jar)
harness_cp="$(pwd)/$harness_jar:$(cat benchmarks/harness/target/classpath.txt)"
sdk_cp="$(pwd)/$sdk_jar:$(cat benchmarks/official-sdk/target/classpath.txt)"

exec java -Xmx1g -XX:+UseG1GC \
  -Dorg.slf4j.simpleLogger.log.io.grpc.netty.shaded.io.netty.bootstrap=error \
  --add-opens jdk.attach/sun.tools.attach=ALL-UNNAMED -cp "$harness_cp" io.numaflow.reducer.bench.BenchMain \
  --harness-classpath "$harness_cp" --sdk-classpath "$sdk_cp" "$@"
