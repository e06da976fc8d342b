#!/usr/bin/env bash
# A large mesh into PostgreSQL: the simulator's mesh generated to 1,000 services, 10,000 instances
# and 20,000 endpoints, 5,000 requests a second of event time, from a file through the whole job into
# an embedded PostgreSQL started here. Prints rows written per second and whether the job keeps up.
# Usage: bench/large-mesh.sh [REQUESTS] [REQUESTS_PER_SECOND] [PARALLELISM]   (default 400000 5000 2)
# (further options of bench.LargeMesh, e.g. --services 200: LARGE_MESH_OPTS="--services 200")
source "$(dirname "$0")/common.sh"
# shellcheck disable=SC2086 # one option per word
bench_java io.meshflow.job.bench.LargeMesh --requests "${1:-400000}" --rate "${2:-5000}" \
  --parallelism "${3:-2}" --dir "$out" ${LARGE_MESH_OPTS:-}
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
