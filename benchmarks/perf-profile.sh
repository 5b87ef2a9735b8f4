#!/usr/bin/env bash
# CPU profile of one server over a scenario's measured runs, kernel time included (Linux perf, software
# events: this VM has no hardware counters). JFR (run.sh --profile) sees Java frames only; this sees the
# futex wake-ups, context switches and socket I/O too.
#   benchmarks/perf-profile.sh few_keys [run.sh options...]    e.g. --ours-jar sample-app/target/<app>.jar
#   PERF_SERVER=aggregator benchmarks/perf-profile.sh few_keys ...    another server than ours
# Needs `perf` (Debian: apt-get install linux-perf) and root or kernel.perf_event_paranoid <= 1.
# Output in benchmarks/target/perf/<timestamp>-<scenario>/: perf.data, report.txt (by thread and symbol,
# user and kernel), and summary.txt (CPU and context switches of the server per datum).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:?usage: perf-profile.sh <scenario> [run.sh options]}
shift
server=${PERF_SERVER:-ours}
runs=3 # the JIT symbol map is written after the second
out=benchmarks/target/perf/$(date +%Y%m%d-%H%M%S)-$scenario
mkdir -p "$out"

benchmarks/run.sh --servers "$server" --scenarios "$scenario" --runs "$runs" --no-memory \
  --out "$out/run" "$@" > "$out/run.log" 2>&1 &
bench=$!

# The server's pid, then the end of its warm-up: perf records the measured runs only.
until grep -q "started $server *pid" "$out/run.log" 2>/dev/null; do
  kill -0 $bench 2>/dev/null || { cat "$out/run.log"; exit 1; }
  sleep 0.2
done
pid=$(grep -o "started $server *pid [0-9]*" "$out/run.log" | grep -o '[0-9]*$')
until grep -q "warm-up 1 $server" "$out/run.log"; do sleep 0.2; done

# cpu-clock samples with call stacks, and every context switch (period 1), system-wide; filtered by pid below.
perf record -a -g -e cpu-clock/freq=999/ -e context-switches/period=1/ -o "$out/perf.data" 2> "$out/perf.log" &
perf_pid=$!
# Java frames: the JIT's symbol map, written while the server is still alive (it exits after its last run).
until [ "$(grep -c "run [0-9]* *$server" "$out/run.log")" -ge $((runs - 1)) ]; do sleep 0.5; done
jcmd "$pid" Compiler.perfmap > /dev/null 2>&1 || true
until [ "$(grep -c "run [0-9]* *$server" "$out/run.log")" -ge "$runs" ]; do sleep 0.5; done
kill -INT $perf_pid
wait $perf_pid || true
wait $bench || true

set +o pipefail # head ends the report pipes early
datums=$(grep -o "[0-9,]* datums$" "$out/run.log" | head -1 | tr -d ', datums')
datums=$((datums * runs))
{
  grep "run [0-9]* *$server" "$out/run.log"
  echo "datums over the $runs measured runs: $datums"
  echo
  echo "samples (1 ms of CPU each) and context switches of the server, by thread, kernel or user, and the first"
  echo "user-space frame (Java frames named from the JIT's perf map, inlined frames folded into their callers):"
  perf script -i "$out/perf.data" --pid "$pid" -F comm,event,ip,sym 2>/dev/null \
    | awk -v datums="$datums" -f benchmarks/perf-summary.awk
} > "$out/summary.txt"
# One section per event (cpu-clock, then context-switches); this perf has no -e for report.
perf report -i "$out/perf.data" --pid "$pid" --stdio --no-children --sort comm,dso,sym -g none \
  --percent-limit 0.3 > "$out/report.txt" 2>/dev/null
cat "$out/summary.txt"
echo "profile by thread and symbol: $out/report.txt"
