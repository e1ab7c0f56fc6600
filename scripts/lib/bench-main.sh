#!/usr/bin/env bash
# Runs a benchmark's main class from the test sources: builds the test classes and their classpath
# (target/classpath-test.txt) when missing or older than the sources, then
#   java --add-opens… $JAVA_OPTS (default -Xmx6g and the pipelines' collector) -cp target/test-classes:target/classes:… <main> [args]
# Usage (from a scripts/bench-*.sh): exec "$here/scripts/lib/bench-main.sh" com.trending.…Benchmark "$@"
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
main="$1"
shift

cp_file=target/classpath-test.txt
if [[ ! -f "$cp_file" || ! -d target/test-classes ]] \
    || [[ -n "$(find pom.xml src schemas -newer "$cp_file" -print -quit)" ]]; then
  echo "Building..." >&2
  mvn -q -B ${MVN_FLAGS:-} -DskipTests test-compile dependency:build-classpath \
    -DincludeScope=test -Dmdep.outputFile="$cp_file" >&2
fi

source "$here/scripts/lib/java-opens.sh"

# shellcheck disable=SC2086
exec java "${ADD_OPENS[@]}" ${JAVA_OPTS:--Xmx6g -XX:+UseParallelGC} -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  "$main" "$@"
