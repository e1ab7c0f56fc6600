# The pipelines' JVM flags unless JAVA_OPTS gives others, per runner classpath profile: 4 GB of
# heap (a batch holds its events in memory from read to write) and the collector that suits the
# runner. G1's concurrent marking took about a tenth of a million-event ingestion on 2 cores.
# - direct-runner: the serial collector. Its jobs spend most of a run on one worker thread, and
#   the throughput collector's GC threads and growing young generation cost more than they save: a
#   1,000,000-message ingestion from a cold JVM took 14.4-19.7 s (mean 16.2) instead of
#   16.0-21.4 s (18.8) in 9 alternating pairs, with 20-30% less CPU, a Gold batch recompute
#   11.8-14.8 s instead of 16.3-17.4 s; a JVM that has done the work twice is ~15% slower
#   (6.9-9.3 s against 6.4-9.2 s). README, Benchmarks.
# - spark-runner, flink-runner: the throughput collector (several task threads; a cold Spark
#   local[2] ingestion measured the same with either).
default_java_opts() { # default_java_opts PROFILE
  if [[ "$1" == direct-runner ]]; then
    echo "-Xmx4g -XX:+UseSerialGC"
  else
    echo "-Xmx4g -XX:+UseParallelGC"
  fi
}

# The --add-opens flags Spark needs on Java 17 (the same list as the pom's add.opens and
# .mvn/jvm.config). Sourced by the launch scripts: "${ADD_OPENS[@]}".
ADD_OPENS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
)
