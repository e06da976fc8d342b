# Sourced by the bench/*.sh commands: builds what they need (once) and defines bench_java, which
# runs a main class of the benchmarks (job/src/test/java/io/meshflow/job/bench) on the job's test
# classpath -- the Kafka test kit and the embedded PostgreSQL are test dependencies, never in the
# shaded jar -- with the JVM settings a java -jar user gets: Flink's --add-opens and ParallelGC, as the
# launcher gives the JVM it starts (ThroughputJvmOptions), unless JAVA_OPTS says otherwise (e.g.
# JAVA_OPTS=-XX:+UseG1GC to compare collectors).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=bench-out
mkdir -p "$out"
if [ ! -f job/target/meshflow-job.jar ] || [ ! -f job/target/test-classpath.txt ] \
    || [ ! -d job/target/test-classes/io/meshflow/job/bench ]; then
  ./mvnw -B -ntp -q -pl job -am package -DskipTests \
    dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
fi
# the --add-opens list the build writes into the jar (parent pom, java.add-opens): what the launcher
# of java -jar gives its JVM
add_opens="$(unzip -p job/target/meshflow-job.jar io/meshflow/job/add-opens.txt)"
bench_classpath="job/target/test-classes:job/target/classes:udfs/target/classes:$(cat job/target/test-classpath.txt)"

bench_java() {
  # shellcheck disable=SC2086 # one flag per word
  ${BENCH_EXEC:-} java ${JAVA_OPTS:--XX:+UseParallelGC} $add_opens -Dlog4j2.configurationFile=bench/log4j2-bench.properties \
    -cp "$bench_classpath" "$@"
}

# Starts the Kafka broker in a JVM of its own (bench.KafkaBroker) and sets bootstrap_servers; the
# broker stops when the calling script ends.
start_kafka_broker() {
  rm -f "$out/kafka.bootstrap"
  # exec: the background subshell becomes the broker's JVM, so $! is the JVM the trap stops
  BENCH_EXEC=exec bench_java io.meshflow.job.bench.KafkaBroker "$out/kafka.bootstrap" \
    > "$out/kafka-broker.log" 2>&1 &
  broker_pid=$!
  trap 'kill "$broker_pid" 2>/dev/null; wait "$broker_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    [ -f "$out/kafka.bootstrap" ] && break
    kill -0 "$broker_pid" 2>/dev/null || { cat "$out/kafka-broker.log"; exit 1; }
    sleep 0.1
  done
  bootstrap_servers="$(cat "$out/kafka.bootstrap")"
  echo "Kafka broker (pid $broker_pid, its own JVM) at $bootstrap_servers"
}
