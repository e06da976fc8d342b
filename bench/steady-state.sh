#!/usr/bin/env bash
# Steady state through Kafka with checkpoints: a broker in its own JVM, the job's producer
# (produce, its own JVM) at a fixed rate, the job on an embedded Flink checkpointing every 10 s into
# SQLite. Prints rates in and out, in-flight keys, checkpoint sizes, bytes of state per in-flight
# key and each minute's end-to-end delay, then a summary.
# Usage: bench/steady-state.sh [REQUESTS_PER_SECOND] [SECONDS] [PARALLELISM]   (default 50000 120 2)
source "$(dirname "$0")/common.sh"
start_kafka_broker
bench_java io.meshflow.job.bench.SteadyState --bootstrap-servers "$bootstrap_servers" \
  --rate "${1:-50000}" --seconds "${2:-120}" --parallelism "${3:-2}" --dir "$out"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
