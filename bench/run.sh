#!/usr/bin/env bash
# Benchmark: builds the jar, makes a file of about a million sides from the simulator's mesh (once), then
# runs the whole job (file -> every table in SQLite) at parallelism 1 and 2 and prints sides per second,
# job time and peak heap. Usage: bench/run.sh [SIDES]   (default 1000000; output in bench-out/)
set -euo pipefail
cd "$(dirname "$0")/.."
sides="${1:-1000000}"
[ -f job/target/meshflow-job.jar ] || ./mvnw -B -q package -DskipTests
exec java -Xmx2g -XX:+UseParallelGC --add-opens=java.base/java.util=ALL-UNNAMED \
  -cp "job/target/meshflow-job.jar:job/target/lib/*" io.meshflow.job.tools.Benchmark "$sides" bench-out
