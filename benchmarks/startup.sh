#!/usr/bin/env bash
# Startup to handshake of the packaged sample app (a real Spring Boot UDF), on both Spring Boot lines (3.5 and
# 4.1: sample-app and sample-app-boot4, the same sources), by JVM/Boot option, against the
# official Numaflow Java SDK's counter on the same machine: the time from `java` starting to the server-info
# file ending with the END marker (what the platform waits for). Variants run interleaved (run 1 of every
# variant, then run 2, ...) so that a busy host slows all of them alike; medians of N runs (default 5).
#   benchmarks/startup.sh [runs]
# Java 17 is the `java` on the PATH (or $JAVA17); Java 25 is $JAVA25 (default: Temurin 25's usual path).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
java17=${JAVA17:-java}
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}

# -Pnative (the root pom's native profile, as Spring Boot's parent's) adds Spring AOT's process-aot: the same jar starts either way, and uses the
# build-time bean definitions only with -Dspring.aot.enabled=true.
./mvnw -B -ntp -q -pl sample-app,sample-app-boot4,benchmarks/official-sdk -am package -DskipTests -Pnative
jar=$(ls sample-app/target/numaflow-reducer-sample-app-*.jar | grep -v original | head -1)
boot4_jar=$(ls sample-app-boot4/target/numaflow-reducer-sample-app-boot4-*.jar | grep -v original | head -1)
sdk_cp="$(pwd)/$(ls benchmarks/official-sdk/target/numaflow-reducer-benchmarks-official-sdk-*.jar):$(cat benchmarks/official-sdk/target/classpath.txt)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

app_args=(--numaflow.reducer.socket-path="$work/reduce.sock" --numaflow.reducer.server-info-file="$work/info"
          --numaflow.reducer.error-dir="$work/errors" --server.port=0)
train_args=(-Dspring.context.exit=onRefresh -jar)

# What sample-app/Dockerfile does: Spring Boot's extracted layout, then one training run that stops after
# the context refresh and writes the archive (Java 17: CDS) or the AOT cache (Java 25, JEP 514/515).
"$java17" -Djarmode=tools -jar "$jar" extract --destination "$work/x" >/dev/null
extracted=$(ls "$work"/x/*.jar)
"$java17" -XX:ArchiveClassesAtExit="$work/app.jsa" "${train_args[@]}" "$extracted" "${app_args[@]}" >/dev/null 2>&1 || true
"$java25" -XX:AOTCacheOutput="$work/app.aot" "${train_args[@]}" "$extracted" "${app_args[@]}" >/dev/null 2>&1 || true
"$java25" -XX:AOTCacheOutput="$work/app-spring-aot.aot" -Dspring.aot.enabled=true "${train_args[@]}" "$extracted" \
  "${app_args[@]}" >/dev/null 2>&1 || true

startup_ms() { # prints ms from launch to the handshake, then stops the process
  rm -f "$work/info" "$work/reduce.sock"
  local start=$(date +%s%N)
  "$@" >"$work/app.log" 2>&1 &
  local pid=$!
  until [ -f "$work/info" ] && grep -q 'U+005C__END__' "$work/info" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "died: $* $(tail -5 "$work/app.log")" >&2; return 1; }
    sleep 0.005
  done
  local end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

names=(
  "official SDK 0.9.2, Java 17"
  "plain java -jar, Java 17"
  "plain java -jar, Java 25"
  "plain java -jar, Java 17, Spring Boot 4.1 line"
  "plain java -jar, Java 25, Spring Boot 4.1 line"
  "extracted + CDS, Java 17"
  "extracted + AOT cache, Java 25"
  "extracted + AOT cache + Spring AOT, Java 25 (sample-app/Dockerfile)"
)
commands=(
  "$java17 -cp $sdk_cp io.numaflow.reducer.bench.sdk.OfficialSdkCounterServer $work/reduce.sock $work/info"
  "$java17 -jar $jar ${app_args[*]}"
  "$java25 -jar $jar ${app_args[*]}"
  "$java17 -jar $boot4_jar ${app_args[*]}"
  "$java25 -jar $boot4_jar ${app_args[*]}"
  "$java17 -XX:SharedArchiveFile=$work/app.jsa -jar $extracted ${app_args[*]}"
  "$java25 -XX:AOTCache=$work/app.aot -jar $extracted ${app_args[*]}"
  "$java25 -XX:AOTCache=$work/app-spring-aot.aot -Dspring.aot.enabled=true -jar $extracted ${app_args[*]}"
)
declare -A results
for run in $(seq "$runs"); do
  for i in "${!commands[@]}"; do
    read -r -a cmd <<<"${commands[$i]}"
    results[$i]+="$(startup_ms "${cmd[@]}") "
  done
done
sdk_median=$(printf '%s\n' ${results[0]} | median)
echo "| variant | startup to handshake, median of $runs (ms) | × SDK | all runs (ms) |"
echo "|---|---:|---:|---|"
for i in "${!commands[@]}"; do
  m=$(printf '%s\n' ${results[$i]} | median)
  echo "| ${names[$i]} | $m | $(awk "BEGIN {printf \"%.2f\", $m / $sdk_median}") | ${results[$i]}|"
done
