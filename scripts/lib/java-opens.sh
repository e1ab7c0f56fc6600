# The pipelines' JVM flags unless JAVA_OPTS gives others: 4 GB of heap and the throughput
# collector. A batch holds its events in memory from read to write; on 2 cores G1's concurrent
# marking took about a tenth of a million-event ingestion (scripts/bench-ingest.sh, README).
DEFAULT_JAVA_OPTS="-Xmx4g -XX:+UseParallelGC"

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
