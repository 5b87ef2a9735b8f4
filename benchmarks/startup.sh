#!/usr/bin/env bash
# Startup to handshake of the packaged sample app (a real Spring Boot UDF), by JVM/Boot option:
# the time from `java` starting to the server-info file ending with the END marker (what the platform
# waits for). Medians of N runs (default 5). Usage: benchmarks/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
./mvnw -B -ntp -q -pl sample-app -am package -DskipTests
jar=$(ls sample-app/target/numaflow-reducer-sample-app-*.jar | grep -v original | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# CDS (Spring Boot 3.3+): run from the extracted layout, train once, then start with the archive.
java -Djarmode=tools -jar "$jar" extract --destination "$work/extracted" >/dev/null
extracted=$(ls "$work"/extracted/*.jar)
common=(--numaflow.reducer.socket-path="$work/reduce.sock" --numaflow.reducer.server-info-file="$work/info"
        --numaflow.reducer.error-dir="$work/errors" --server.port=0)
java -XX:ArchiveClassesAtExit="$work/app.jsa" -Dspring.context.exit=onRefresh -jar "$extracted" "${common[@]}" \
  >/dev/null 2>&1 || true

startup_ms() { # prints ms from launch to the handshake, then stops the app
  rm -f "$work/info"
  local start=$(date +%s%N)
  "$@" "${common[@]}" >"$work/app.log" 2>&1 &
  local pid=$!
  until [ -f "$work/info" ] && grep -q 'U+005C__END__' "$work/info" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "app died: $(tail -5 "$work/app.log")" >&2; return 1; }
    sleep 0.005
  done
  local end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A variants=(
  ["1 plain (java -jar)"]="java -jar $jar"
  ["2 lazy initialisation"]="java -jar $jar --spring.main.lazy-initialization=true"
  ["3 no management web server"]="java -jar $jar --spring.main.web-application-type=none"
  ["4 CDS (extracted jar + archive)"]="java -XX:SharedArchiveFile=$work/app.jsa -jar $extracted"
  ["5 CDS + no web server"]="java -XX:SharedArchiveFile=$work/app.jsa -jar $extracted --spring.main.web-application-type=none"
  ["6 CDS + TieredStopAtLevel=1"]="java -XX:SharedArchiveFile=$work/app.jsa -XX:TieredStopAtLevel=1 -jar $extracted"
)
echo "| variant | startup to handshake, median of $runs (ms) | all runs (ms) |"
echo "|---|---:|---|"
for name in $(printf '%s\n' "${!variants[@]}" | sort | tr ' ' '~'); do
  name=${name//\~/ }
  read -r -a cmd <<<"${variants[$name]}"
  results=()
  for _ in $(seq "$runs"); do results+=("$(startup_ms "${cmd[@]}")"); done
  echo "| ${name#* } | $(printf '%s\n' "${results[@]}" | median) | ${results[*]} |"
done
