#!/usr/bin/env bash
# Throughput of the whole job into SQLite: file and Kafka (a broker in its own JVM, 4 partitions),
# SkyWalking and OTLP input, one report per record and 1-8, parallelism 1 and 2; one fresh JVM per
# run, with the JVM settings a java -jar user gets. Prints each run's figures and a table at the end;
# with WHOLE_COMMAND=1 (the default) the batched runs are also timed as the user's whole
# java -jar command. Each configuration's job runs RUNS times (default 3) in its JVM: the first is a
# fresh JVM's, the last one's figures (WARM) are a side's cost once the JIT compilers are done.
# Usage: bench/throughput.sh [REQUESTS] (default 200000, about 400,000 sides)
source "$(dirname "$0")/common.sh"
requests="${1:-200000}"
whole="${WHOLE_COMMAND:-1}"
runs="${RUNS:-3}"
start_kafka_broker
results="$out/throughput-$(date -u +%Y%m%dT%H%M%S).txt"
for path in file kafka; do
  for format in skywalking otlp; do
    for records in batched single; do
      for parallelism in 1 2; do
        extra=()
        [ "$path" = kafka ] && extra+=(--bootstrap-servers "$bootstrap_servers")
        [ "$whole" = 1 ] && [ "$records" = batched ] && extra+=(--java-jar job/target/meshflow-job.jar)
        bench_java io.meshflow.job.bench.Throughput --path "$path" --format "$format" \
          --records "$records" --parallelism "$parallelism" --requests "$requests" --dir "$out" --runs "$runs" \
          "${extra[@]}" | tee -a "$results"
      done
    done
  done
done
echo
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf '%-6s %-10s %-7s %2s %10s %10s %12s %10s %9s %8s %7s %9s\n' path format reports p sides \
  'sides/s' 'sides/CPU-s' 'per core' 'peak MB' 'live MB' 'job s' 'java -jar'
grep '^RESULT' "$results" | while read -r _ path format batch p sides rate cpu core peak live job cmd; do
  printf '%-6s %-10s %-7s %2s %10s %10s %12s %10s %9s %8s %7s %9s\n' "$path" "$format" "$batch" \
    "$p" "$sides" "$rate" "$cpu" "$core" "$peak" "$live" "$job" "$cmd"
done
if [ "$runs" -gt 1 ]; then
  echo
  echo "the same jobs, run $runs of $runs in the same JVM (warm: the JIT compilers done)"
  printf '%-6s %-10s %-7s %2s %10s %10s %12s %10s\n' path format reports p sides 'sides/s' \
    'sides/CPU-s' 'per core'
  grep '^WARM' "$results" | awk -v runs="$runs" '{n[$2 $3 $4 $5]++} n[$2 $3 $4 $5] == runs - 1' \
    | while read -r _ path format batch p sides rate cpu core; do
      printf '%-6s %-10s %-7s %2s %10s %10s %12s %10s\n' "$path" "$format" "$batch" "$p" \
        "$sides" "$rate" "$cpu" "$core"
    done
fi
echo "(all of it in $results)"
