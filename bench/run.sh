#!/usr/bin/env bash
# Benchmark: builds the jar, makes a file of about a million sides from the simulator's mesh (once), then
# runs the whole job (file -> every table in SQLite) at parallelism 1 and 2 and prints sides per second,
# job time and peak heap. Usage: bench/run.sh [SIDES] [http|tcp|mixed]   (default 1000000 sides of HTTP;
# output in bench-out/)
set -euo pipefail
cd "$(dirname "$0")/.."
sides="${1:-1000000}"
traffic="${2:-http}"
[ -f job/target/meshflow-job.jar ] || ./mvnw -B -q package -DskipTests
# the --add-opens list the build writes into the jar (parent pom, java.add-opens)
add_opens="$(unzip -p job/target/meshflow-job.jar io/meshflow/job/add-opens.txt)"
# shellcheck disable=SC2086 # one flag per word
exec java -Xmx2g -XX:+UseParallelGC $add_opens \
  -cp "job/target/meshflow-job.jar:job/target/lib/*" io.meshflow.job.tools.Benchmark "$sides" bench-out "$traffic"
