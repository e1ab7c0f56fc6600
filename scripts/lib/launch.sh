#!/usr/bin/env bash
# Runs one of the project's Java mains with the classpath of the runner named in its arguments.
#   scripts/lib/launch.sh [--pipeline] <main class> [options]
# --pipeline: the main is a Beam pipeline; add runners/<runner>/pipeline.options first.
# Builds on first use (and whenever src/, schemas/ or pom.xml changed): the Direct runner
# classpath by default, the Spark runner's (Maven profile spark-runner) for --runner=SparkRunner,
# the Flink runner's (flink-runner) for --runner=FlinkRunner: each the profile's runtime
# dependencies, the project's classes as target/launch/classes.jar. From a main's third launch on,
# the JVM maps a class-data archive of the classes it loads (class-data.sh).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PIPELINE=false
if [[ "${1:-}" == --pipeline ]]; then
  PIPELINE=true
  shift
fi
MAIN_CLASS="$1"
shift

# Per-runner defaults from runners/<runner>/pipeline.options; command-line options win.
# shellcheck source=pipeline-options.sh
source "$REPO_ROOT/scripts/lib/pipeline-options.sh"
PROFILE="$(runner_profile "$@")"
RUNNER_DIR="${PROFILE%-runner}"
DEFAULTS=()
if $PIPELINE; then
  mapfile -t DEFAULTS < <(pipeline_defaults "$REPO_ROOT" "$RUNNER_DIR" "$@")
fi

CP_FILE="$REPO_ROOT/target/classpath-$PROFILE.txt"
STAMP="$REPO_ROOT/target/.built-$PROFILE"
if [[ ! -f "$CP_FILE" || ! -f "$STAMP" || -n "$(find "$REPO_ROOT/src/main" "$REPO_ROOT/schemas" "$REPO_ROOT/pom.xml" "${BASH_SOURCE[0]}" -newer "$STAMP" -print -quit)" ]]; then
  echo "[launch] building ($PROFILE) ..." >&2
  (cd "$REPO_ROOT" && mvn -q -B -P"$PROFILE" -DskipTests compile dependency:build-classpath \
      -DincludeScope=runtime -Dmdep.outputFile="$CP_FILE") >&2
  touch "$STAMP"
fi

# The project's classes as a jar (the JVM shares classes from jars only), remade when they change.
CLASSES_JAR="$REPO_ROOT/target/launch/classes.jar"
if [[ ! -f "$CLASSES_JAR" || -n "$(find "$REPO_ROOT/target/classes" -newer "$CLASSES_JAR" -print -quit)" ]]; then
  mkdir -p "${CLASSES_JAR%/*}"
  jar --create --file "$CLASSES_JAR.$$" -C "$REPO_ROOT/target/classes" . && mv -f "$CLASSES_JAR.$$" "$CLASSES_JAR"
fi
CLASSPATH_ARG="$CLASSES_JAR:$(cat "$CP_FILE")"

# shellcheck source=java-opens.sh
source "$REPO_ROOT/scripts/lib/java-opens.sh"
read -r -a JVM_FLAGS <<< "${JAVA_OPTS:-$(default_java_opts "$PROFILE")}"
# shellcheck source=class-data.sh
source "$REPO_ROOT/scripts/lib/class-data.sh"
CDS_FLAGS=()
if [[ " $* " != *" --help "* ]]; then
  mapfile -t CDS_FLAGS < <(class_data_flags "$REPO_ROOT/target/cds" "${MAIN_CLASS##*.}-$PROFILE" \
    "$CLASSPATH_ARG" ${JVM_FLAGS[@]+"${JVM_FLAGS[@]}"} "${ADD_OPENS[@]}")
fi
exec java ${JVM_FLAGS[@]+"${JVM_FLAGS[@]}"} "${ADD_OPENS[@]}" ${CDS_FLAGS[@]+"${CDS_FLAGS[@]}"} \
  -cp "$CLASSPATH_ARG" "$MAIN_CLASS" "${DEFAULTS[@]}" "$@"
